"""consensus: concurrent consultation within the deadline, partial results, blinded prompts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import pytest

from zen_server.errors import (
    CircuitOpenError,
    PermanentProviderError,
    ToolInputError,
    TransientProviderError,
    UnknownModelError,
)
from zen_server.resilience.deadline import deadline_scope
from zen_server.tools.consensus import ConsensusTool

HarnessFactory = Callable[..., Any]
ROSTER = [{"model": "pro", "stance": "for"}, {"model": "o3", "stance": "against"}, {"model": "flash"}]


def first_step(**extra: Any) -> dict[str, Any]:
    return {
        "step": "Evaluate: PROPOSAL-TEXT",
        "step_number": 1,
        "total_steps": 4,
        "next_step_required": True,
        "findings": "AGENT-PRIVATE-ANALYSIS",
        "models": ROSTER,
        **extra,
    }


async def test_models_are_consulted_concurrently(make_harness: HarnessFactory) -> None:
    h = make_harness(ConsensusTool())
    h.models.rendezvous = 3  # each answer waits until all three calls are in flight together
    with anyio.fail_after(60):  # only reached if the calls ran one after another (a deadlock)
        result = await h.call(first_step())
    assert h.models.peak_in_flight == 3
    assert result["status"] == "consensus_workflow_complete"
    assert result["next_step_required"] is False
    assert result["models_answered"] == ["pro:for", "o3:against", "flash:neutral"]
    assert [r["verdict"].split()[0] for r in result["accumulated_responses"]] == ["pro", "o3", "flash"]


async def test_one_provider_down_still_returns_the_other_two_opinions(make_harness: HarnessFactory) -> None:
    h = make_harness(ConsensusTool())
    h.models.failures["o3"] = CircuitOpenError("openai breaker open; retry in 5 s", provider="openai")
    result = await h.call(first_step())
    assert result["models_answered"] == ["pro:for", "flash:neutral"]
    assert result["models_failed"] == [
        {
            "model": "o3",
            "stance": "against",
            "error": "openai breaker open; retry in 5 s",
            "error_type": "CircuitOpenError",
        }
    ]
    assert "did not answer" in result["next_steps"]


async def test_a_hanging_model_is_cut_before_the_deadline_and_the_rest_are_kept(
    make_harness: HarnessFactory,
) -> None:
    h = make_harness(ConsensusTool())
    h.models.delays = {"o3": 30.0}
    async with deadline_scope(1.0):
        result = await h.call(first_step())  # the tool returns: the deadline cut only o3
    assert result["models_answered"] == ["pro:for", "flash:neutral"]
    assert result["models_failed"][0]["error_type"] == "DeadlineExceeded"


async def test_every_model_failing_is_an_error_naming_each(make_harness: HarnessFactory) -> None:
    h = make_harness(ConsensusTool())
    for name in ("pro", "o3", "flash"):
        h.models.failures[name] = PermanentProviderError(f"{name} rejected the key", provider="fake")
    with pytest.raises(PermanentProviderError, match=r"pro:for: pro rejected.*flash:neutral"):
        await h.call(first_step())
    h.models.failures["flash"] = TransientProviderError("timeout", provider="fake")
    with pytest.raises(TransientProviderError):
        await h.call(first_step())


async def test_models_see_the_proposal_and_files_but_not_the_agents_analysis(
    make_harness: HarnessFactory, source_files: dict[str, str]
) -> None:
    h = make_harness(ConsensusTool())
    await h.call(first_step(relevant_files=[source_files["cache.py"]]))
    assert len(h.models.requests) == 3
    for request in h.models.requests:
        _, user = request.messages
        assert "PROPOSAL-TEXT" in user.content and "EVICT_MARKER" in user.content
        assert "AGENT-PRIVATE-ANALYSIS" not in user.content
        assert request.allow_fallback is False
    stances = [r.messages[0].content for r in h.models.requests]
    assert "FOR the proposal" in stances[0] and "AGAINST" in stances[1] and "neutral" in stances[2]


async def test_custom_stance_prompt_replaces_the_stock_stance(make_harness: HarnessFactory) -> None:
    h = make_harness(ConsensusTool())
    roster = [{"model": "pro", "stance_prompt": "Judge only the cost."}, {"model": "o3"}]
    await h.call(first_step(models=roster))
    assert "Judge only the cost." in h.models.requests[0].messages[0].content


async def test_later_steps_replay_stored_opinions_without_calling_models(
    make_harness: HarnessFactory,
) -> None:
    h = make_harness(ConsensusTool())
    thread_id = (await h.call(first_step()))["continuation_id"]
    calls = len(h.models.requests)
    second = await h.call(
        {"step": "notes", "step_number": 2, "total_steps": 4, "next_step_required": True,
         "findings": "pro liked it", "continuation_id": thread_id}
    )  # fmt: skip
    assert len(h.models.requests) == calls
    assert second["status"] == "model_consulted"
    assert second["model_response"]["model"] == "o3"
    last = await h.call(
        {"step": "done", "step_number": 3, "total_steps": 3, "next_step_required": False,
         "findings": "synthesis", "continuation_id": thread_id}
    )  # fmt: skip
    assert last["status"] == "consensus_workflow_complete"


@pytest.mark.parametrize(
    ("roster", "message"),
    [
        (None, "needs 'models'"),
        ([{"model": "pro"}], "at least two entries"),
        ([{"model": "pro"}, {"model": "pro", "stance": "neutral"}], "appears twice"),
        ([{"model": "pro", "stance": "sideways"}, {"model": "o3"}], "not one of for, against, neutral"),
        ([{"stance": "for"}, {"model": "o3"}], "needs a 'model' name"),
    ],
)
async def test_bad_rosters_are_refused(make_harness: HarnessFactory, roster: Any, message: str) -> None:
    h = make_harness(ConsensusTool())
    with pytest.raises(ToolInputError, match=message):
        await h.call(first_step(models=roster))
    assert h.models.requests == []


async def test_unknown_model_in_roster_is_refused_before_calling_any(make_harness: HarnessFactory) -> None:
    h = make_harness(ConsensusTool())
    with pytest.raises(UnknownModelError):
        await h.call(first_step(models=[{"model": "pro"}, {"model": "nonesuch"}]))
    assert h.models.requests == []
