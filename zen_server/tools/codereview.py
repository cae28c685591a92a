"""codereview: a code review the agent performs in steps, validated by an expert model."""

from __future__ import annotations

from typing import ClassVar

from zen_server.tools.workflow import RunState, StepInput, Vocabulary, WorkflowTool
from zen_server.tools.workflow.schema import FieldSchemas, focus_on_field, severity_filter_field

CODEREVIEW_PROMPT = """You are an experienced reviewer checking code another agent has already reviewed.
You receive its notes, the issues it found and the files under review.

Report real problems only, each with file and line, a severity (critical, high, medium,
low), why it matters and a concrete fix. Look first for correctness and security defects,
then for resource and concurrency problems, then for maintainability issues that will cost
time soon. Confirm or dismiss each issue the agent reported, and add what it missed.
Respect the requested focus, standards and severity threshold. Mention what is done well in
one or two lines; no generic advice."""


class CodeReviewTool(WorkflowTool):
    name = "codereview"
    title = "Code Review"
    description = (
        "Step-by-step code review: you examine the code for quality, security, performance and "
        "architecture, recording issues with severities, and an expert model then validates and "
        "completes the review with the files. Set review_validation_type to 'internal' to skip the expert."
    )
    system_prompt = CODEREVIEW_PROMPT
    legacy_fields = frozenset({"confidence"})
    expert_instruction = (
        "Validate the review above: confirm or dismiss each reported issue, add missed ones, and list all "
        "issues ordered by severity, each with location, impact and fix."
    )
    extra_fields: ClassVar[FieldSchemas] = {
        "review_validation_type": {
            "type": "string",
            "enum": ["external", "internal"],
            "default": "external",
            "description": "'external' has the expert model validate the review; 'internal' finishes on "
            "your own review.",
        },
        "review_type": {
            "type": "string",
            "enum": ["full", "security", "performance", "quick"],
            "default": "full",
            "description": "Breadth of the review.",
        },
        "focus_on": focus_on_field(),
        "standards": {"type": "string", "description": "Coding standards the code must follow."},
        "severity_filter": severity_filter_field(),
    }
    vocabulary: ClassVar[Vocabulary] = Vocabulary.for_phase(
        "code_review",
        completion_status="code_review_complete_ready_for_implementation",
        skip_status="skipped_due_to_internal_analysis_type",
    )

    def skip_reason(self, step: StepInput, run: RunState) -> str | None:
        chosen = step.extras.get("review_validation_type") or (
            run.steps[0].extras.get("review_validation_type") if run.steps else None
        )
        if chosen == "internal":
            return "review_validation_type is 'internal': the agent's own review stands"
        return super().skip_reason(step, run)


__all__ = ["CodeReviewTool"]
