"""thinkdeep: extended reasoning over a problem the agent works through in steps."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from zen_server.providers.types import ThinkingMode
from zen_server.tools.workflow import Vocabulary, WorkflowTool
from zen_server.tools.workflow.schema import FieldSchemas

if TYPE_CHECKING:
    from zen_server.config import Settings

THINKDEEP_PROMPT = """You are a second mind brought in to stress-test another agent's reasoning about a
hard problem: a design, an architecture decision, a subtle bug or a performance question.

Do not restate the agent's work. Challenge it: which assumptions are unverified, which
alternatives were not weighed, which failure modes, scale limits or security implications
were missed? Where the agent is right, say so in a sentence and move on. Ground every point
in the code and facts provided; label speculation as such. Close with the two or three
changes to the plan that matter most, in order."""


class ThinkDeepTool(WorkflowTool):
    name = "thinkdeep"
    title = "Think Deep"
    description = (
        "Structured deep thinking in steps: you reason through a complex problem, record findings and "
        "hypotheses as you go, and an expert model then challenges and extends the reasoning. Use for "
        "architecture decisions, hard bugs, performance and security questions that need a second mind."
    )
    system_prompt = THINKDEEP_PROMPT
    expert_instruction = (
        "Challenge and extend the reasoning above: name unverified assumptions, missed alternatives and "
        "risks, then give the changes to the plan that matter most, in order."
    )
    extra_fields: ClassVar[FieldSchemas] = {
        "problem_context": {
            "type": "string",
            "description": "Background the expert needs: goals, constraints, what was already tried.",
        },
        "focus_areas": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Aspects to weigh in particular, e.g. architecture, performance, security.",
        },
    }
    vocabulary: ClassVar[Vocabulary] = Vocabulary.for_phase(
        "thinkdeep",
        completion_status="deep_thinking_complete_ready_for_implementation",
        completion_key="complete_thinking",
        skip_status="skipped_due_to_certain_thinking_confidence",
    )

    def expert_thinking(self, settings: Settings) -> ThinkingMode | None:
        # Upstream's DEFAULT_THINKING_MODE_THINKDEEP sets how hard this tool's expert thinks.
        return settings.default_thinking_mode_thinkdeep


__all__ = ["ThinkDeepTool"]
