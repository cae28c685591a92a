"""refactor: refactoring opportunities found in steps and ranked by an expert model."""

from __future__ import annotations

from typing import ClassVar

from zen_server.files import FileAccess
from zen_server.tools.workflow import RunState, StepInput, Vocabulary, WorkflowTool, sources
from zen_server.tools.workflow.schema import FieldSchemas

REFACTOR_PROMPT = """You are a refactoring specialist. Another agent studied the code below and noted
refactoring opportunities; you decide which are worth doing and how.

Look for code smells, functions and classes that do too much, outdated idioms, and modules
whose organisation hides their purpose, as the requested refactoring type directs. For each
opportunity give location, the change, why it pays off, and how to do it safely in small
steps that keep behaviour identical. Order them by payoff and risk. Follow the style of the
given examples when provided. Do not propose rewrites the code does not need."""


class RefactorTool(WorkflowTool):
    name = "refactor"
    title = "Refactor"
    description = (
        "Refactoring analysis in steps: you examine the code for smells, decomposition needs, "
        "modernisation and organisation problems, and an expert model then ranks the opportunities and "
        "describes safe, behaviour-preserving changes."
    )
    system_prompt = REFACTOR_PROMPT
    expert_instruction = (
        "Rank the refactoring opportunities above and add missed ones: for each, location, the change, "
        "its payoff and risk, and small safe steps to carry it out."
    )
    confidence_levels = ("exploring", "incomplete", "partial", "complete")
    extra_fields: ClassVar[FieldSchemas] = {
        "refactor_type": {
            "type": "string",
            "enum": ["codesmells", "decompose", "modernize", "organization"],
            "default": "codesmells",
            "description": "Kind of refactoring sought.",
        },
        "focus_areas": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Aspects to concentrate on, e.g. performance, readability, testability.",
        },
        "style_guide_examples": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Absolute paths of files whose style the refactored code should follow.",
        },
    }
    vocabulary: ClassVar[Vocabulary] = Vocabulary.for_phase(
        "refactoring_analysis",
        status_key="refactoring_status",
        completion_key="complete_refactoring",
        completion_status="refactoring_analysis_complete_ready_for_implementation",
        skip_status="skipped_due_to_complete_refactoring_confidence",
    )

    def skip_reason(self, step: StepInput, run: RunState) -> str | None:
        # refactor's own scale tops out at "complete" instead of "certain"
        if step.confidence == "complete":
            return "refactoring analysis finished with complete confidence"
        return None

    def expert_files(self, run: RunState) -> tuple[str, ...]:
        examples = [str(p) for s in run.steps for p in (s.extras.get("style_guide_examples") or [])]
        return tuple(dict.fromkeys([*run.relevant_files, *examples]))

    async def check_extra_paths(self, step: StepInput, files: FileAccess) -> None:
        examples = step.extras.get("style_guide_examples") or []
        if isinstance(examples, list):
            await sources.check_paths(
                [str(p) for p in examples], files, tool=self.name, field="style_guide_examples"
            )


__all__ = ["RefactorTool"]
