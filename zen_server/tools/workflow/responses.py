"""The JSON a workflow step answers with, in the original server's shape.

Intermediate steps answer ``pause_for_<phase>`` with the actions the agent must take before
calling again; the last step answers with the expert analysis (``calling_expert_analysis``),
with a confident local completion, or with ``<phase>_complete`` for tools that never consult
an expert. Each tool names its status words once (:class:`Vocabulary`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zen_server.tools.workflow.run_state import RunState
from zen_server.tools.workflow.step import StepInput


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The status words of one tool, e.g. debug: pause_for_investigation, investigation_status."""

    in_progress: str  # status of a step before it is classified, e.g. "investigation_in_progress"
    pause: str  # status of an intermediate step, e.g. "pause_for_investigation"
    required_flag: str  # set true on intermediate steps, e.g. "investigation_required"
    complete_flag: str  # set true on the last step, e.g. "investigation_complete"
    status_key: str  # key of the progress counters, e.g. "investigation_status"
    completion_status: str  # confident local completion, e.g. "certain_confidence_proceed_with_fix"
    completion_key: str  # key of the run summary, e.g. "complete_investigation"
    skip_status: str  # why the expert was skipped, e.g. "skipped_due_to_certain_confidence"

    @classmethod
    def for_phase(
        cls,
        phase: str,
        *,
        status_key: str | None = None,
        completion_status: str = "high_confidence_completion",
        completion_key: str | None = None,
        skip_status: str = "skipped_by_tool_design",
        pause: str | None = None,
    ) -> Vocabulary:
        return cls(
            in_progress=f"{phase}_in_progress",
            pause=pause or f"pause_for_{phase}",
            required_flag=f"{phase}_required",
            complete_flag=f"{phase}_complete",
            status_key=status_key or f"{phase}_status",
            completion_status=completion_status,
            completion_key=completion_key or f"complete_{phase}",
            skip_status=skip_status,
        )


def base_response(vocab: Vocabulary, step: StepInput, run: RunState) -> dict[str, Any]:
    response: dict[str, Any] = {
        "status": vocab.in_progress,
        "step_number": step.step_number,
        "total_steps": step.total_steps,
        "next_step_required": step.next_step_required,
        vocab.status_key: {
            "files_checked": len(run.files_checked),
            "relevant_files": len(run.relevant_files),
            "relevant_context": len(run.relevant_context),
            "issues_found": len(run.issues_found),
            "images_collected": len(run.images),
            "current_confidence": step.confidence,
        },
    }
    # None is a placeholder the output renderer fills with the thread the step was recorded in.
    response["continuation_id"] = step.continuation_id
    if run.relevant_files:
        # Intermediate steps only name files: their content is read once, for the expert.
        response["file_context"] = {
            "type": "reference_only",
            "note": "Files are referenced by path now and embedded once in the final analysis: "
            + ", ".join(run.relevant_files),
        }
    return response


def pause_response(
    vocab: Vocabulary, step: StepInput, run: RunState, *, required_actions: list[str], next_steps: str
) -> dict[str, Any]:
    response = base_response(vocab, step, run)
    response["status"] = vocab.pause
    response[vocab.required_flag] = True
    response["required_actions"] = required_actions
    response["next_steps"] = next_steps
    return response


def work_summary(vocab: Vocabulary, run: RunState) -> dict[str, Any]:
    return {
        "initial_request": run.initial_request,
        "steps_taken": len(run.steps),
        "files_examined": list(run.files_checked),
        "relevant_files": list(run.relevant_files),
        "relevant_context": list(run.relevant_context),
        "issues_found": [dict(i) for i in run.issues_found],
        "findings": [f"Step {s.step_number}: {s.findings}" for s in run.steps],
    }


def expert_response(
    vocab: Vocabulary,
    step: StepInput,
    run: RunState,
    *,
    analysis: dict[str, Any],
    embedded: tuple[str, ...],
    next_steps: str,
) -> dict[str, Any]:
    response = base_response(vocab, step, run)
    response["status"] = "calling_expert_analysis"
    response[vocab.complete_flag] = True
    response["expert_analysis"] = analysis
    response["next_steps"] = next_steps
    response["file_context"] = {
        "type": "fully_embedded",
        "files_embedded": len(embedded),
        "context_optimization": "Relevant file contents were embedded once for the expert analysis",
    }
    response[vocab.completion_key] = work_summary(vocab, run)
    return response


def confident_response(
    vocab: Vocabulary, step: StepInput, run: RunState, *, reason: str, next_steps: str
) -> dict[str, Any]:
    """The agent finished with certainty: no expert call, the summary goes straight back."""
    response = base_response(vocab, step, run)
    response["status"] = vocab.completion_status
    response[vocab.complete_flag] = True
    summary = work_summary(vocab, run)
    summary["final_analysis"] = step.hypothesis
    summary["confidence_level"] = step.confidence
    response[vocab.completion_key] = summary
    response["skip_expert_analysis"] = True
    response["expert_analysis"] = {"status": vocab.skip_status, "reason": reason}
    response["next_steps"] = next_steps
    return response


def local_response(
    vocab: Vocabulary, step: StepInput, run: RunState, *, status: str, next_steps: str
) -> dict[str, Any]:
    """Finished without an expert because the tool never uses one or the agent declined it."""
    response = base_response(vocab, step, run)
    response["status"] = status
    response[vocab.complete_flag] = True
    response[vocab.completion_key] = work_summary(vocab, run)
    response["next_steps"] = next_steps
    return response


__all__ = [
    "Vocabulary",
    "base_response",
    "confident_response",
    "expert_response",
    "local_response",
    "pause_response",
    "work_summary",
]
