"""consensus end to end: three models on three fake providers, over stdio with the SDK's client.

The server runs with an OpenAI fake (OPENAI_API_KEY + OPENAI_BASE_URL), a Gemini fake
(GEMINI_API_KEY + GEMINI_BASE_URL) and the custom endpoint (CUSTOM_API_URL, the shared
``fake`` fixture). One test checks what each model received (the proposal and files, its own
stance, never the agent's analysis) and the follow-up steps; the other takes the Gemini
provider down three ways and checks the other two opinions still come back within the
tool's deadline, with the failed model named and why.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fakes.testing import FakeServer
from tests.e2e.conftest import Connect, text_of

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("transport", ["stdio"], indirect=True)]

CUSTOM_MODEL = "llama3.2"
OPENAI_MODEL = "o3"
GEMINI_MODEL = "gemini-2.5-flash"
DEADLINE_S = 4.0


@pytest.fixture
def openai_fake() -> Iterator[FakeServer]:
    with FakeServer("openai", seed=11) as server:
        yield server


@pytest.fixture
def gemini_fake() -> Iterator[FakeServer]:
    with FakeServer("gemini", seed=12) as server:
        yield server


def provider_env(openai_fake: FakeServer, gemini_url: str) -> dict[str, str]:
    return {
        "OPENAI_API_KEY": "e2e-openai-key",
        "OPENAI_BASE_URL": openai_fake.openai_base_url,
        "GEMINI_API_KEY": "e2e-gemini-key",
        "GEMINI_BASE_URL": gemini_url,
        "ZEN_TOOL_DEADLINES": f"consensus={DEADLINE_S:g}",
    }


def roster() -> list[dict[str, str]]:
    return [
        {"model": CUSTOM_MODEL, "stance": "for"},
        {"model": OPENAI_MODEL, "stance": "against"},
        {"model": GEMINI_MODEL, "stance": "neutral"},
    ]


def first_step(source: Path, total: int = 1) -> dict[str, Any]:
    return {
        "step": "E2E-PROPOSAL: replace the cron jobs with a queue",
        "step_number": 1,
        "total_steps": total,
        "next_step_required": total > 1,
        "findings": "E2E-AGENT-ANALYSIS: the agent's own view, never shown to the models",
        "relevant_files": [str(source)],
        "models": roster(),
    }


def in_flight_after_settling(server: FakeServer, timeout_s: float = 5.0) -> int:
    """The fake's in-flight count once it drops to zero, or after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while (count := server.control.stats(bodies=0).in_flight) and time.monotonic() < deadline:
        time.sleep(0.1)
    return count


def sent_text(body: Any) -> str:
    """Everything a request body carries as text, whatever the dialect (JSON-escaped is fine for markers)."""
    return json.dumps(body, ensure_ascii=False)


async def test_consensus_asks_three_providers_blinded_and_keeps_the_opinions(
    connect: Connect, fake: FakeServer, openai_fake: FakeServer, gemini_fake: FakeServer, tmp_path: Path
) -> None:
    source = tmp_path / "scheduler.py"
    source.write_text("CRON = 'E2E_CONSENSUS_FILE_MARKER'\n")
    async with connect(**provider_env(openai_fake, gemini_fake.base_url)) as client:
        first = await client.call_tool("consensus", first_step(source, total=3))
        assert not first.is_error, text_of(first)
        result = json.loads(text_of(first))
        thread = result["continuation_id"]
        assert thread
        # Followers of the original rhythm get the stored opinion per step; no model is called again.
        second = await client.call_tool(
            "consensus",
            {
                "step": "noted the first opinion",
                "step_number": 2,
                "total_steps": 3,
                "next_step_required": True,
                "findings": "first model is for it",
                "continuation_id": thread,
            },
        )
        assert not second.is_error, text_of(second)
        follow = json.loads(text_of(second))
        third = await client.call_tool(
            "consensus",
            {
                "step": "synthesis",
                "step_number": 3,
                "total_steps": 3,
                "next_step_required": False,
                "findings": "done",
                "continuation_id": thread,
            },
        )
        assert not third.is_error, text_of(third)
        last = json.loads(text_of(third))

    assert result["status"] == "consensus_workflow_complete"
    assert result["models_answered"] == [f"{m['model']}:{m['stance']}" for m in roster()]
    assert result["models_failed"] == []
    opinions = result["accumulated_responses"]
    assert [(o["model"], o["stance"], o["status"]) for o in opinions] == [
        (m["model"], m["stance"], "success") for m in roster()
    ]
    providers = {o["model"]: o["metadata"]["provider"] for o in opinions}
    assert providers == {CUSTOM_MODEL: "custom", OPENAI_MODEL: "openai", GEMINI_MODEL: "gemini"}

    # Each provider got exactly one request: its model, the proposal and the file, its own stance,
    # and not the agent's analysis (the models judge blind).
    stances = {"for": "argue FOR the proposal", "against": "argue AGAINST", "neutral": "Your stance: neutral"}
    for server, entry in zip((fake, openai_fake, gemini_fake), roster(), strict=True):
        stats = server.control.stats(bodies=5)
        assert stats.requests == 1, f"{entry['model']}: {stats.requests} requests"
        [call] = stats.recent
        assert call["model"] == entry["model"]
        body = sent_text(call["body"])
        assert "E2E-PROPOSAL: replace the cron jobs with a queue" in body
        assert body.count("E2E_CONSENSUS_FILE_MARKER") == 1
        assert stances[entry["stance"]] in body
        assert all(other not in body for s, other in stances.items() if s != entry["stance"])
        assert "E2E-AGENT-ANALYSIS" not in body, "the agent's analysis must not reach the models"
        # What the client got back is that model's own (deterministic) reply.
        [opinion] = [o for o in opinions if o["model"] == entry["model"]]
        assert opinion["verdict"].startswith(f"FAKE-REPLY model={entry['model']} ")

    assert follow["status"] == "model_consulted" and follow["continuation_id"] == thread
    assert follow["model_response"]["model"] == OPENAI_MODEL, "step 2 returns the second opinion"
    assert last["status"] == "consensus_workflow_complete" and last["consensus_complete"] is True
    assert [o["verdict"] for o in last["accumulated_responses"]] == [o["verdict"] for o in opinions]


@pytest.mark.parametrize("failure", [pytest.param("hang", marks=pytest.mark.slow), "http_500", "port_closed"])
async def test_consensus_with_one_provider_down_returns_the_other_two_in_time(
    connect: Connect,
    fake: FakeServer,
    openai_fake: FakeServer,
    gemini_fake: FakeServer,
    unused_port: int,
    tmp_path: Path,
    failure: str,
) -> None:
    source = tmp_path / "scheduler.py"
    source.write_text("CRON = 1\n")
    gemini_url = gemini_fake.base_url
    if failure == "hang":
        gemini_fake.control.set_default({"faults": [{"kind": "hang", "at": "start", "rate": 1.0}]})
    elif failure == "http_500":
        gemini_fake.control.set_default({"faults": [{"kind": "error", "status": 500, "rate": 1.0}]})
    else:
        gemini_url = f"http://127.0.0.1:{unused_port}"  # nothing listens there
    async with connect(**provider_env(openai_fake, gemini_url)) as client:
        await client.call_tool("version", {})  # startup and imports are not what is timed
        started = time.monotonic()
        outcome = await client.call_tool("consensus", first_step(source))
        elapsed = time.monotonic() - started

    # Returned with the two answers: had it waited past its deadline for the third, the
    # executor's deadline would have turned the whole call into an error.
    assert not outcome.is_error, text_of(outcome)
    result = json.loads(text_of(outcome))
    assert result["models_answered"] == [f"{CUSTOM_MODEL}:for", f"{OPENAI_MODEL}:against"]
    answers = [o for o in result["accumulated_responses"] if o["status"] == "success"]
    assert [o["verdict"].split(" ", 2)[1] for o in answers] == [
        f"model={CUSTOM_MODEL}",
        f"model={OPENAI_MODEL}",
    ]
    [failed] = result["models_failed"]
    assert (failed["model"], failed["stance"]) == (GEMINI_MODEL, "neutral")
    assert failed["error"] and failed["error_type"], failed
    reason = f"{failed['error_type']}: {failed['error']}".lower()
    print(f"\n[{failure}] consensus returned in {elapsed:.2f} s; failed: {reason}")
    expected = {"hang": "deadline", "http_500": "500", "port_closed": "connect"}[failure]
    assert expected in reason, f"{failure}: the reason does not say why: {reason}"
    if failure == "hang":
        # The two answers arrive at once; the call waited for the third up to its deadline, no longer.
        assert elapsed > DEADLINE_S / 2, f"{elapsed:.1f} s: the hanging provider was not waited for"
    assert "did not answer" in result["next_steps"]
    assert fake.control.stats(bodies=0).requests == 1
    assert openai_fake.control.stats(bodies=0).requests == 1
    if failure != "port_closed":
        assert gemini_fake.control.stats(bodies=0).requests >= 1, "the failing provider was never tried"
    if failure == "hang":
        # The abandoned request was cut, not left hanging at the provider.
        assert in_flight_after_settling(gemini_fake) == 0
