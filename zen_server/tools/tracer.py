"""tracer: call-flow and dependency tracing the agent performs in steps; no expert model.

Tracing is mechanical reading of code the agent has in front of it, so like the original the
tool only structures the work and, at the end, tells the agent how to present the trace.
"""

from __future__ import annotations

from typing import ClassVar

from zen_server.errors import ToolInputError
from zen_server.tools.workflow import RunState, StepInput, Vocabulary, WorkflowTool
from zen_server.tools.workflow.schema import FieldSchemas

TRACER_PROMPT = """You help an agent trace code: how a function is reached and what it calls (precision
mode), or what a class or module depends on and what depends on it (dependencies mode)."""

_MODE_ACTIONS = {
    "precision": [
        "Find the exact definition of the target and every place that calls it",
        "Follow its execution: the calls it makes, branches taken, and side effects, with file:line",
        "Note data that flows in and out, and where errors propagate",
    ],
    "dependencies": [
        "List what the target imports, calls, inherits from or reads (outgoing dependencies)",
        "List the modules and classes that use the target (incoming dependencies)",
        "Note cycles and the type of each dependency (call, import, inheritance, data)",
    ],
}


class TracerTool(WorkflowTool):
    name = "tracer"
    title = "Tracer"
    description = (
        "Code tracing in steps: 'precision' follows a function's execution flow and call chain, "
        "'dependencies' maps what a class or module depends on and what depends on it, 'ask' lets you "
        "choose with the user first. You trace between calls; the tool structures the work and the output."
    )
    system_prompt = TRACER_PROMPT
    legacy_fields = frozenset({"use_assistant_model"})
    model_required = False
    uses_expert = False
    excluded_fields = frozenset({"issues_found", "hypothesis", "temperature", "thinking_mode"})
    extra_fields: ClassVar[FieldSchemas] = {
        "trace_mode": {
            "type": "string",
            "enum": ["precision", "dependencies", "ask"],
            "description": "precision: execution flow of a function; dependencies: structural relations of "
            "a class or module; ask: have the user choose before tracing.",
        },
        "target_description": {
            "type": "string",
            "description": "What to trace and why, naming the function, method, class or module.",
        },
    }
    extra_required = ("target_description", "trace_mode")
    vocabulary: ClassVar[Vocabulary] = Vocabulary.for_phase(
        "tracing", status_key="tracer_status", completion_status="tracing_complete"
    )

    def validate_step(self, step: StepInput) -> None:
        if step.step_number == 1:
            mode = step.extras.get("trace_mode")
            if mode not in ("precision", "dependencies", "ask"):
                raise ToolInputError("tracer: step 1 needs trace_mode: 'precision', 'dependencies' or 'ask'")
            if not step.extras.get("target_description"):
                raise ToolInputError("tracer: step 1 needs target_description naming what to trace")

    def _mode(self, step: StepInput, run: RunState) -> str:
        mode = step.extras.get("trace_mode") or (run.steps[0].extras.get("trace_mode") if run.steps else None)
        return str(mode or "precision")

    def required_actions(self, step: StepInput, run: RunState) -> list[str]:
        mode = self._mode(step, run)
        if mode == "ask":
            return [
                "Ask the user whether they want a precision trace (execution flow) or a dependencies "
                "trace (structural relations), then restart tracer at step 1 with that trace_mode",
            ]
        return _MODE_ACTIONS.get(mode, _MODE_ACTIONS["precision"])

    def completion_next_steps(self, *, expert_used: bool) -> str:
        return (
            "Tracing is complete. Present the trace to the user: for precision mode the call chain in order "
            "with file:line for each hop and the branches and side effects along it; for dependencies mode "
            "the incoming and outgoing dependencies grouped by type, with any cycles called out."
        )


__all__ = ["TracerTool"]
