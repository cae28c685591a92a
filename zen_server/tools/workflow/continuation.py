"""Which run a step continues: load the thread and check the step fits the run it names.

Step 1 starts a run, optionally inside an existing conversation (any tool's). Every later
step must name, through continuation_id, a thread in which this same tool has an unfinished
run, and must be the next step (or revise an earlier one). Anything else is refused with a
message saying what to send instead; the store's own errors (unknown or expired thread)
pass through unchanged, as they already say what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from zen_server.errors import ToolInputError
from zen_server.tools.workflow.run_state import RunState, read_run
from zen_server.tools.workflow.step import StepInput

if TYPE_CHECKING:
    from zen_server.conversation.exchange import ConversationReader
    from zen_server.conversation.types import Thread


@dataclass(frozen=True, slots=True)
class Continuation:
    thread: Thread | None
    previous: RunState | None  # None when this step starts a new run


async def resolve_continuation(conversation: ConversationReader, step: StepInput, tool: str) -> Continuation:
    thread = await conversation.load(step.continuation_id) if step.continuation_id else None
    if step.step_number == 1:
        return Continuation(thread=thread, previous=None)
    if thread is None:
        raise ToolInputError(
            f"{tool}: step {step.step_number} continues a run, so send the continuation_id that step 1 "
            "returned; to start a new run send step_number 1"
        )
    previous = read_run(thread.state, tool)
    if previous is None:
        raise ToolInputError(
            f"{tool}: continuation_id {step.continuation_id} belongs to a {thread.tool_name} conversation "
            f"with no {tool} run in progress, so step {step.step_number} cannot continue it; start a "
            f"{tool} run with step_number 1 (you may pass this continuation_id to keep its history)"
        )
    if previous.complete:
        raise ToolInputError(
            f"{tool}: the {tool} run in continuation_id {step.continuation_id} already finished at step "
            f"{previous.last_step_number}; start a new run with step_number 1 and this continuation_id"
        )
    expected = previous.last_step_number + 1
    if step.step_number > expected:
        raise ToolInputError(
            f"{tool}: step_number {step.step_number} skips ahead; the run's last step was "
            f"{previous.last_step_number}, so send step_number {expected} (or a smaller number to revise)"
        )
    return Continuation(thread=thread, previous=previous)


__all__ = ["Continuation", "resolve_continuation"]
