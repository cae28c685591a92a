"""What the agent is told to do between steps, when a tool has nothing more specific to say.

The server cannot investigate for the agent; what it can do is make the agent pause and do
the work before the next call. These defaults scale the instructions with the step number
and the confidence the agent reported.
"""

from __future__ import annotations

from zen_server.tools.workflow.step import StepInput

_EARLY = ("exploring", "low", "incomplete")
_CLOSE = ("medium", "high", "partial")


def default_required_actions(step: StepInput) -> list[str]:
    if step.step_number == 1:
        return [
            "Read the code involved and understand how it is meant to work",
            "Locate the modules, entry points and configuration that matter for the request",
            "Write down what you establish in 'findings' and list the files that matter in 'relevant_files'",
        ]
    if step.confidence in _EARLY:
        return [
            "Follow the calls and data flow through the code you identified",
            "Look for edge cases, error paths and assumptions the code makes",
            "Check configuration, dependencies and callers outside the files seen so far",
        ]
    if step.confidence in _CLOSE:
        return [
            "Confirm the current hypothesis against the exact lines of code involved",
            "Look for counter-evidence and for the same pattern elsewhere",
            "Record remaining doubts as open questions in 'findings'",
        ]
    return [
        "Verify the last open points with concrete evidence from the code",
        "Make sure every relevant file is listed in 'relevant_files'",
    ]


def default_step_guidance(tool: str, step: StepInput) -> str:
    return (
        f"Do not call {tool} again yet. First carry out the required actions with your own tools, then "
        f"call {tool} with step_number {step.step_number + 1}, the continuation_id of this response, "
        "what you found in 'findings', and the files you looked at in 'files_checked' / 'relevant_files'. "
        "Set next_step_required to false on the last step."
    )


__all__ = ["default_required_actions", "default_step_guidance"]
