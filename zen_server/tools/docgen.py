"""docgen: documentation written file by file by the agent, with counters that keep it honest.

No model is consulted. The server's part is bookkeeping: the agent may only finish when the
number of files documented reaches the number it set out to document.
"""

from __future__ import annotations

from typing import Any, ClassVar

from zen_server.errors import ToolInputError
from zen_server.tools.workflow import RunState, StepInput, Vocabulary, WorkflowTool
from zen_server.tools.workflow.schema import FieldSchemas

DOCGEN_PROMPT = """You guide an agent that documents code: every function, class and module gets a
docstring that states purpose, parameters, return value, errors and, where asked, complexity
and call flow. Existing documentation is improved rather than replaced."""

_FLAGS = ("document_complexity", "document_flow", "update_existing", "comments_on_complex_logic")
_COUNTS = ("num_files_documented", "total_files_to_document")


class DocgenTool(WorkflowTool):
    name = "docgen"
    title = "Documentation Generation"
    description = (
        "Documentation generation in steps: step 1 surveys the files to document and sets "
        "total_files_to_document; each later step documents one file and increments "
        "num_files_documented. The run can only finish when both counts match."
    )
    system_prompt = DOCGEN_PROMPT
    legacy_fields = frozenset({"use_assistant_model"})
    uses_expert = False
    has_model_field = False
    excluded_fields = frozenset(
        {"files_checked", "confidence", "hypothesis", "temperature", "thinking_mode", "images"}
    )
    extra_fields: ClassVar[FieldSchemas] = {
        "document_complexity": {
            "type": "boolean",
            "default": True,
            "description": "Document Big-O complexity.",
        },
        "document_flow": {
            "type": "boolean",
            "default": True,
            "description": "Document call flow and dependencies.",
        },
        "update_existing": {
            "type": "boolean",
            "default": True,
            "description": "Improve existing documentation.",
        },
        "comments_on_complex_logic": {
            "type": "boolean",
            "default": True,
            "description": "Add inline comments on non-obvious logic.",
        },
        "num_files_documented": {
            "type": "integer",
            "minimum": 0,
            "default": 0,
            "description": "Files fully documented so far; increase only when a file is finished.",
        },
        "total_files_to_document": {
            "type": "integer",
            "minimum": 0,
            "default": 0,
            "description": "Number of files to document, counted in step 1.",
        },
    }
    extra_required = (*_FLAGS, *_COUNTS)
    vocabulary: ClassVar[Vocabulary] = Vocabulary.for_phase(
        "documentation_analysis", completion_status="documentation_analysis_complete"
    )

    def validate_step(self, step: StepInput) -> None:
        for name in _FLAGS:
            if name in step.extras and not isinstance(step.extras[name], bool):
                raise ToolInputError(f"docgen: '{name}' must be true or false")
        for name in _COUNTS:
            value = step.extras.get(name, 0)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ToolInputError(f"docgen: '{name}' must be a non-negative integer, got {value!r}")
        done, total = self._counts(step)
        if done > total:
            raise ToolInputError(
                f"docgen: num_files_documented ({done}) exceeds total_files_to_document ({total}); "
                "send the real counts"
            )

    @staticmethod
    def _counts(step: StepInput) -> tuple[int, int]:
        return int(step.extras.get("num_files_documented", 0)), int(
            step.extras.get("total_files_to_document", 0)
        )

    def ends_run(self, step: StepInput) -> bool:
        done, total = self._counts(step)
        return not step.next_step_required and done >= total

    def required_actions(self, step: StepInput, run: RunState) -> list[str]:
        done, total = self._counts(step)
        if step.step_number == 1:
            return [
                "List every file that needs documentation and set total_files_to_document to that number",
                "Start with num_files_documented at 0",
            ]
        return [
            f"Document the next undocumented file completely ({done} of {total} done so far)",
            "Then increase num_files_documented by one and report what you documented in 'findings'",
            "Set next_step_required to false only when num_files_documented equals total_files_to_document",
        ]

    def customize(self, response: dict[str, Any], step: StepInput, run: RunState) -> dict[str, Any]:
        done, total = self._counts(step)
        response["documentation_progress"] = {"num_files_documented": done, "total_files_to_document": total}
        if not step.next_step_required and done < total:
            # Finishing early would silently leave files undocumented: send the agent back to work.
            response["status"] = "documentation_analysis_required"
            response.pop(self.vocabulary.complete_flag, None)
            response["next_steps"] = (
                f"Documentation is not finished: {done} of {total} files are documented. "
                f"Continue docgen with "
                f"step_number {step.step_number + 1} and next_step_required true until every file is done."
            )
        return response


__all__ = ["DocgenTool"]
