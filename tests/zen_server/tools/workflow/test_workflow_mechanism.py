"""The shared step mechanism, driven through the debug tool with fake models and threads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from zen_server.errors import (
    FileAccessError,
    PromptTooLargeError,
    ThreadNotFoundError,
    ToolInputError,
    TransientProviderError,
    UnknownModelError,
)
from zen_server.tools.debug import DebugTool
from zen_server.tools.workflow import read_run

HarnessFactory = Callable[..., Any]


def step(number: int, total: int, findings: str, **extra: Any) -> dict[str, Any]:
    return {
        "step": f"step {number} text",
        "step_number": number,
        "total_steps": total,
        "next_step_required": number < total,
        "findings": findings,
        "model": "pro",
        **extra,
    }


async def test_three_step_run_sends_every_finding_and_each_file_once_to_the_expert(
    make_harness: HarnessFactory, source_files: dict[str, str]
) -> None:
    h = make_harness(DebugTool())
    cache, store = source_files["cache.py"], source_files["store.py"]

    first = await h.call(step(1, 3, "FINDING-ONE", relevant_files=[cache], files_checked=[cache]))
    assert first["status"] == "pause_for_investigation"
    assert first["investigation_required"] is True
    assert first["required_actions"]
    thread_id = first["continuation_id"]
    assert thread_id

    second = await h.call(
        step(
            2,
            3,
            "FINDING-TWO",
            continuation_id=thread_id,
            relevant_files=[cache, store],
            hypothesis="eviction race",
        )
    )
    assert second["status"] == "pause_for_investigation"
    assert second["investigation_status"]["relevant_files"] == 2
    assert h.models.requests == []  # intermediate steps never call a model

    final = await h.call(step(3, 3, "FINDING-THREE", continuation_id=thread_id, confidence="high"))
    assert final["status"] == "calling_expert_analysis"
    assert final["expert_analysis"]["raw_analysis"].startswith("pro says")
    assert final["complete_investigation"]["steps_taken"] == 3

    assert len(h.models.requests) == 1
    request = h.models.requests[0]
    assert request.model == "pro" and request.tool_name == "debug"
    system, user = request.messages
    assert system.role == "system" and "root-cause" in system.content
    for finding in ("FINDING-ONE", "FINDING-TWO", "FINDING-THREE"):
        assert user.content.count(finding) == 1
    assert user.content.count("EVICT_MARKER") == 1  # named in two steps, embedded once
    assert user.content.count("STORE_MARKER") == 1
    assert "eviction race" in user.content

    run = read_run(h.conversation.threads[thread_id].state, "debug")
    assert run is not None and run.complete and [s.step_number for s in run.steps] == [1, 2, 3]
    assert len(h.conversation.threads[thread_id].turns) == 6


async def test_final_prompt_carries_the_conversation_the_run_started_in(
    make_harness: HarnessFactory, conversation: Any
) -> None:
    h = make_harness(DebugTool())
    thread_id = conversation.seed("chat", [("chat", "EARLIER-QUESTION"), ("chat", "EARLIER-ANSWER")])
    await h.call(step(1, 2, "RUN-FINDING-1", continuation_id=thread_id))
    await h.call(step(2, 2, "RUN-FINDING-2", continuation_id=thread_id))
    user = h.models.requests[0].messages[1].content
    assert "EARLIER-QUESTION" in user and "EARLIER-ANSWER" in user
    assert user.index("EARLIER-ANSWER") < user.index("RUN-FINDING-1")
    # The run's own turns are in the thread too, but the prompt carries each finding once.
    assert user.count("RUN-FINDING-1") == 1


async def test_certain_confidence_finishes_without_calling_the_expert(make_harness: HarnessFactory) -> None:
    h = make_harness(DebugTool())
    result = await h.call(step(1, 1, "obvious typo", confidence="certain", hypothesis="typo in config key"))
    assert result["status"] == "certain_confidence_proceed_with_fix"
    assert result["skip_expert_analysis"] is True
    assert result["complete_investigation"]["final_analysis"] == "typo in config key"
    assert h.models.requests == []


async def test_use_assistant_model_false_finishes_locally(make_harness: HarnessFactory) -> None:
    h = make_harness(DebugTool())
    result = await h.call(step(1, 1, "done", use_assistant_model=False))
    assert result["status"] == "local_work_complete"
    assert h.models.requests == []


async def test_step_number_beyond_total_steps_is_refused_with_the_fix(make_harness: HarnessFactory) -> None:
    h = make_harness(DebugTool())
    with pytest.raises(ToolInputError, match="total_steps of at least 4"):
        await h.call(step(4, 3, "x"))


@pytest.mark.parametrize("findings", [None, "   "])
async def test_missing_findings_is_refused(make_harness: HarnessFactory, findings: str | None) -> None:
    h = make_harness(DebugTool())
    args = step(1, 2, "x")
    if findings is None:
        del args["findings"]
    else:
        args["findings"] = findings
    # Absent: the schema's required list refuses it; blank: the step's own check does.
    with pytest.raises(ToolInputError, match=r"required argument\(s\) 'findings'|'findings' is required"):
        await h.call(args)


async def test_later_step_without_continuation_id_says_to_send_it(make_harness: HarnessFactory) -> None:
    h = make_harness(DebugTool())
    with pytest.raises(ToolInputError, match="send the continuation_id"):
        await h.call(step(2, 3, "x"))


async def test_continuation_from_another_tool_chain_cannot_continue_a_step(
    make_harness: HarnessFactory, conversation: Any
) -> None:
    h = make_harness(DebugTool())
    thread_id = conversation.seed("chat", [("chat", "q"), ("chat", "a")])
    with pytest.raises(ToolInputError, match=r"chat conversation with no debug run.*step_number 1"):
        await h.call(step(2, 3, "x", continuation_id=thread_id))


async def test_unknown_continuation_id_is_the_stores_error(make_harness: HarnessFactory) -> None:
    h = make_harness(DebugTool())
    with pytest.raises(ThreadNotFoundError):
        await h.call(step(1, 2, "x", continuation_id="nope"))


async def test_skipping_ahead_and_continuing_a_finished_run_are_refused(make_harness: HarnessFactory) -> None:
    h = make_harness(DebugTool())
    first = await h.call(step(1, 4, "a"))
    thread_id = first["continuation_id"]
    with pytest.raises(ToolInputError, match="send step_number 2"):
        await h.call(step(3, 4, "c", continuation_id=thread_id))
    await h.call(step(2, 2, "b", continuation_id=thread_id, use_assistant_model=False))
    with pytest.raises(ToolInputError, match="already finished"):
        await h.call(step(3, 4, "c", continuation_id=thread_id))


async def test_resending_an_earlier_step_revises_it_and_drops_later_ones(
    make_harness: HarnessFactory,
) -> None:
    h = make_harness(DebugTool())
    thread_id = (await h.call(step(1, 3, "first")))["continuation_id"]
    await h.call(step(2, 3, "wrong turn", continuation_id=thread_id))
    await h.call(step(2, 3, "better path", continuation_id=thread_id))
    run = read_run(h.conversation.threads[thread_id].state, "debug")
    assert run is not None
    assert [(s.step_number, s.findings) for s in run.steps] == [(1, "first"), (2, "better path")]


async def test_nonexistent_and_relative_files_are_refused(
    make_harness: HarnessFactory, tmp_path: Any
) -> None:
    h = make_harness(DebugTool())
    with pytest.raises(FileAccessError, match="does not exist"):
        await h.call(step(1, 2, "x", relevant_files=[str(tmp_path / "missing.py")]))
    with pytest.raises(FileAccessError, match="relative"):
        await h.call(step(1, 2, "x", relevant_files=["src/app.py"]))
    with pytest.raises(ToolInputError, match="relative"):
        await h.call(step(1, 2, "x", files_checked=["src/app.py"]))


async def test_unknown_model_is_refused_before_any_work(make_harness: HarnessFactory) -> None:
    h = make_harness(DebugTool())
    with pytest.raises(UnknownModelError):
        await h.call(step(1, 2, "x", model="gpt-17"))
    assert h.conversation.threads == {}


async def test_oversized_step_text_must_travel_as_a_file(make_harness: HarnessFactory) -> None:
    h = make_harness(DebugTool())
    args = step(1, 2, "x")
    args["step"] = "y" * 70_000
    with pytest.raises(PromptTooLargeError):
        await h.call(args)


async def test_a_failed_expert_call_records_nothing_so_the_last_step_can_be_retried(
    make_harness: HarnessFactory,
) -> None:
    h = make_harness(DebugTool())
    thread_id = (await h.call(step(1, 2, "a")))["continuation_id"]
    h.models.failures["pro"] = TransientProviderError("provider down", provider="fake")
    with pytest.raises(TransientProviderError):
        await h.call(step(2, 2, "b", continuation_id=thread_id))
    del h.models.failures["pro"]
    result = await h.call(step(2, 2, "b", continuation_id=thread_id))
    assert result["status"] == "calling_expert_analysis"


async def test_json_reply_from_the_expert_is_kept_as_structure(make_harness: HarnessFactory) -> None:
    h = make_harness(DebugTool())
    h.models.reply = lambda _request: '```json\n{"status": "analysis_complete", "root_cause": "race"}\n```'
    result = await h.call(step(1, 1, "a"))
    assert result["expert_analysis"] == {"status": "analysis_complete", "root_cause": "race"}


async def test_two_tools_keep_separate_runs_in_one_thread(make_harness: HarnessFactory) -> None:
    from zen_server.tools.analyze import AnalyzeTool

    debug = make_harness(DebugTool())
    thread_id = (await debug.call(step(1, 3, "debug one")))["continuation_id"]
    analyze = make_harness(AnalyzeTool())
    await analyze.call(step(1, 2, "analyze one", continuation_id=thread_id))
    state = debug.conversation.threads[thread_id].state
    assert read_run(state, "debug") is not None and read_run(state, "analyze") is not None
    # debug can still carry on with its own run
    result = await debug.call(step(2, 3, "debug two", continuation_id=thread_id))
    assert result["status"] == "pause_for_investigation"
