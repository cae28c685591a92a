"""planner: a plan built step by step by the agent, with revisions and branches; no model call.

The server keeps the plan (every step, revisions replacing what they revise, branches kept
apart) in the thread and makes the agent pause to think between the early steps of a
large plan. The plan itself is the agent's work; no expert model is consulted.
"""

from __future__ import annotations

from typing import Any, ClassVar

from zen_server.errors import ToolInputError
from zen_server.tools.workflow import RunState, StepInput, Vocabulary, WorkflowTool
from zen_server.tools.workflow.schema import FieldSchemas

PLANNER_PROMPT = """You help an agent turn a complex goal into a plan: phases, dependencies, risks, and
concrete first actions, revised as understanding grows."""

_BOOLS = ("is_step_revision", "is_branch_point", "more_steps_needed")
_INTS = ("revises_step_number", "branch_from_step")
# Plans at least this long get reflection pauses in their first steps.
_DEEP_PLAN_STEPS = 5

_REFLECTION = {
    1: "Before step 2, think through the whole scope: what must be achieved, two or three different "
    "approaches and their trade-offs, the constraints and dependencies, and how success will be measured.",
    2: "Before step 3, review the approach chosen in step 1: name the main phases, what depends on what, "
    "the resources needed, and where delays would hurt most.",
    3: "Before step 4, check the plan against the original goal: gaps, unverified assumptions, how you "
    "will notice the plan needs to change, and the first two or three concrete actions.",
}


class PlannerTool(WorkflowTool):
    name = "planner"
    title = "Planner"
    description = (
        "Interactive planning in steps: break a complex task into a plan one step at a time, revising "
        "earlier steps or branching into alternatives as you go. Large plans pause for reflection between "
        "the first steps. No external model is called; the plan is yours."
    )
    system_prompt = PLANNER_PROMPT
    legacy_fields = frozenset({"use_assistant_model"})
    model_required = False
    uses_expert = False
    requires_findings = False
    excluded_fields = frozenset(
        {
            "findings",
            "files_checked",
            "relevant_files",
            "relevant_context",
            "issues_found",
            "confidence",
            "hypothesis",
            "temperature",
            "thinking_mode",
            "images",
        }
    )
    extra_fields: ClassVar[FieldSchemas] = {
        "is_step_revision": {
            "type": "boolean",
            "description": "True when this step replaces an earlier one.",
        },
        "revises_step_number": {
            "type": "integer",
            "minimum": 1,
            "description": "The step this one revises, when is_step_revision is true.",
        },
        "is_branch_point": {
            "type": "boolean",
            "description": "True when this step starts an alternative path.",
        },
        "branch_from_step": {
            "type": "integer",
            "minimum": 1,
            "description": "The step the alternative branches from, when is_branch_point is true.",
        },
        "branch_id": {"type": "string", "description": "Name of the branch, e.g. 'approach-a'."},
        "more_steps_needed": {
            "type": "boolean",
            "description": "True when the plan needs steps beyond the current total_steps.",
        },
    }
    vocabulary: ClassVar[Vocabulary] = Vocabulary.for_phase(
        "planning", status_key="planner_status", completion_status="planning_complete"
    )

    def validate_step(self, step: StepInput) -> None:
        for name in _BOOLS:
            if name in step.extras and not isinstance(step.extras[name], bool):
                raise ToolInputError(f"planner: '{name}' must be true or false")
        for name in _INTS:
            value = step.extras.get(name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise ToolInputError(f"planner: '{name}' must be a step number of at least 1")
        revises = step.extras.get("revises_step_number")
        if step.extras.get("is_step_revision") and (
            not isinstance(revises, int) or revises >= step.step_number
        ):
            raise ToolInputError(
                "planner: a revision needs revises_step_number, the number of an earlier step it replaces"
            )
        if step.extras.get("is_branch_point") and not (
            step.extras.get("branch_from_step") and step.extras.get("branch_id")
        ):
            raise ToolInputError("planner: a branch point needs branch_from_step and branch_id")

    def step_extras(self, step: StepInput) -> dict[str, Any]:
        return {k: v for k, v in step.extras.items() if k in self.extra_fields}

    async def on_step(self, step: StepInput, run: RunState, ctx: Any) -> RunState:
        branch = step.extras.get("branch_id")
        if not (step.extras.get("is_branch_point") and isinstance(branch, str)):
            return run
        branches = {k: list(v) for k, v in dict(run.data.get("branches", {})).items()}
        branches.setdefault(branch, []).append(step.step_number)
        return run.with_data(branches=branches)

    def required_actions(self, step: StepInput, run: RunState) -> list[str]:
        if step.total_steps >= _DEEP_PLAN_STEPS and step.step_number in _REFLECTION:
            return [_REFLECTION[step.step_number]]
        return [
            "Develop the next part of the plan into concrete, ordered actions",
            "Note dependencies between actions and what could go wrong",
        ]

    def next_steps(self, step: StepInput, run: RunState) -> str:
        if step.total_steps >= _DEEP_PLAN_STEPS and step.step_number in _REFLECTION:
            return (
                f"Pause before calling planner again: this is a {step.total_steps}-step plan. "
                f"{_REFLECTION[step.step_number]} Then call planner with step_number {step.step_number + 1} "
                "and the continuation_id of this response."
            )
        left = step.total_steps - step.step_number
        return (
            f"Continue with step {step.step_number + 1} (about {left} left), passing the continuation_id of "
            "this response."
        )

    def completion_next_steps(self, *, expert_used: bool) -> str:
        return (
            "Planning is complete. Present the plan to the user with headings, numbered phases and steps, "
            "and the dependencies between them (plain-text diagrams where they help). "
            "Leave out time and cost "
            "estimates unless asked. Offer to start on the first steps."
        )

    def customize(self, response: dict[str, Any], step: StepInput, run: RunState) -> dict[str, Any]:
        response["step_content"] = step.step
        response["metadata"] = {
            "branches": sorted(dict(run.data.get("branches", {}))),
            "step_history_length": len(run.steps),
            **{name: step.extras.get(name, False if name in _BOOLS else None) for name in self.extra_fields},
        }
        if (
            step.total_steps >= _DEEP_PLAN_STEPS
            and step.step_number in _REFLECTION
            and step.next_step_required
        ):
            response["status"] = "pause_for_deep_thinking"
            response["thinking_required"] = True
            response["required_thinking"] = response.get("required_actions", [])
        if not step.next_step_required:
            response["planning_complete"] = True
            response["plan_summary"] = f"Complete plan in {len(run.steps)} steps: " + " | ".join(
                f"{s.step_number}. {s.step}" for s in run.steps
            )
        return response


__all__ = ["PlannerTool"]
