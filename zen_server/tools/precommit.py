"""precommit: validation of pending git changes, with the server reading the repository's diffs.

Step 1 names the repository (``path``); the server checks it is an allowed git work tree and
that ``compare_to`` (if any) is a commit. At the last step it reads the status and the
staged, unstaged or ref diffs itself and gives them to the expert with the agent's findings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from zen_server.errors import ToolInputError
from zen_server.files import FileAccess
from zen_server.tools.base import ToolContext
from zen_server.tools.workflow import (
    RunState,
    StepInput,
    Vocabulary,
    WorkflowTool,
    git_state,
    sources,
)
from zen_server.tools.workflow.schema import FieldSchemas, focus_on_field, severity_filter_field

PRECOMMIT_PROMPT = """You are the last reviewer before a commit. Another agent inspected the pending
changes; you get its notes, the git status and diffs, and the relevant files.

Check that the change does what it claims and nothing else: logic errors, broken callers,
missing or outdated tests, security problems, leftover debug code, secrets, and incomplete
migrations or config. Judge every changed hunk, not only the files the agent flagged. Give
each issue a severity, location and fix, respecting the severity threshold, and end with a
clear verdict: ready to commit, or the blocking issues to fix first."""

_NOT_FOR_PROMPT = frozenset({"path", "include_staged", "include_unstaged", "compare_to", "precommit_type"})


class PrecommitTool(WorkflowTool):
    name = "precommit"
    title = "Pre-commit Validation"
    description = (
        "Pre-commit validation in steps: name the repository in 'path', review the pending changes, and "
        "record findings; the server reads the git status and diffs (staged, unstaged, or against "
        "compare_to) and an expert model checks them before you commit."
    )
    system_prompt = PRECOMMIT_PROMPT
    legacy_fields = frozenset({"confidence"})
    expert_instruction = (
        "Review the pending changes above hunk by hunk: list the issues by severity with location and fix, "
        "then give a verdict: ready to commit, or what blocks it."
    )
    extra_fields: ClassVar[FieldSchemas] = {
        "precommit_type": {
            "type": "string",
            "enum": ["external", "internal"],
            "default": "external",
            "description": "'external' has the expert model check the changes; 'internal' finishes on your "
            "own validation.",
        },
        "path": {
            "type": "string",
            "description": "Absolute path of the git repository (or a directory inside it). "
            "Required in step 1.",
        },
        "compare_to": {
            "type": "string",
            "description": "Branch, tag or commit to diff against instead of the staged/unstaged changes.",
        },
        "include_staged": {"type": "boolean", "default": True, "description": "Include staged changes."},
        "include_unstaged": {"type": "boolean", "default": True, "description": "Include unstaged changes."},
        "focus_on": focus_on_field(),
        "severity_filter": severity_filter_field(),
    }
    vocabulary: ClassVar[Vocabulary] = Vocabulary.for_phase(
        "validation",
        completion_status="validation_complete_ready_for_commit",
        skip_status="skipped_due_to_internal_analysis_type",
    )

    def validate_step(self, step: StepInput) -> None:
        if step.step_number == 1 and not step.extras.get("path"):
            raise ToolInputError(
                "precommit: step 1 needs 'path', the absolute path of the git repository to validate"
            )
        for flag in ("include_staged", "include_unstaged"):
            if flag in step.extras and not isinstance(step.extras[flag], bool):
                raise ToolInputError(f"precommit: '{flag}' must be true or false")
        compare_to = step.extras.get("compare_to")
        if compare_to is not None and not isinstance(compare_to, str):
            raise ToolInputError("precommit: 'compare_to' must be a string naming a branch, tag or commit")

    async def check_extra_paths(self, step: StepInput, files: FileAccess) -> None:
        path = step.extras.get("path")
        if path is not None:
            if not isinstance(path, str):
                raise ToolInputError("precommit: 'path' must be a string: the repository's absolute path")
            await sources.check_path(path, files, tool=self.name, field="path", kind="dir")

    async def on_step(self, step: StepInput, run: RunState, ctx: ToolContext) -> RunState:
        path = step.extras.get("path")
        if not isinstance(path, str):
            return run
        root = await git_state.repository_root(Path(path), tool=self.name, files=ctx.files)
        compare_to = step.extras.get("compare_to")
        if isinstance(compare_to, str):
            await git_state.verify_ref(root, compare_to, tool=self.name)
        return run.with_data(repository=str(root))

    def _setting(self, step: StepInput, run: RunState, name: str, default: Any) -> Any:
        # A later step may change a setting; otherwise step 1's value holds.
        for source in (step.extras, *(s.extras for s in reversed(run.steps))):
            if name in source:
                return source[name]
        return default

    def skip_reason(self, step: StepInput, run: RunState) -> str | None:
        if self._setting(step, run, "precommit_type", "external") == "internal":
            return "precommit_type is 'internal': the agent's own validation stands"
        return super().skip_reason(step, run)

    async def expert_sections(self, step: StepInput, run: RunState, ctx: ToolContext) -> dict[str, str]:
        sections = {
            k: v
            for k, v in (await super().expert_sections(step, run, ctx)).items()
            if k.replace(" ", "_") not in _NOT_FOR_PROMPT
        }
        root = run.data.get("repository")
        if not isinstance(root, str):
            return sections
        snapshot = await git_state.read_snapshot(
            Path(root),
            compare_to=self._setting(step, run, "compare_to", None),
            include_staged=bool(self._setting(step, run, "include_staged", True)),
            include_unstaged=bool(self._setting(step, run, "include_unstaged", True)),
            tool=self.name,
            policy=ctx.files.policy,
        )
        return {**sections, **snapshot.sections()}


__all__ = ["PrecommitTool"]
