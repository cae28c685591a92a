"""The jules tool against the fake Jules API: each action, upstream's envelope, refusals sending nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from fakes.jules import SOURCES
from fakes.testing import FakeServer
from zen_server.config import Settings
from zen_server.errors import JulesApiError, ToolInputError
from zen_server.tools.jules import JulesTool, summarize_activity

from .conftest import CallTool


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    with FakeServer("jules") as server:
        yield server


@pytest.fixture
def settings(fake: FakeServer) -> Settings:
    return Settings(jules_api_key="jules-key-for-tests", jules_base_url=fake.jules_base_url)


async def act(call_tool: CallTool, settings: Settings, **arguments: Any) -> dict[str, Any]:
    result, recorded, envelope = await call_tool(JulesTool(), arguments, settings=settings)
    assert recorded is None and result.exchange is None  # jules keeps no conversation, as upstream
    return dict(envelope)


async def test_list_sources_answers_upstreams_envelope_with_json_content(
    call_tool: CallTool, settings: Settings
) -> None:
    envelope = await act(call_tool, settings, action="list_sources")
    assert envelope["status"] == "success" and envelope["content_type"] == "json"
    assert envelope["continuation_offer"] is None
    assert [s["name"] for s in json.loads(envelope["content"])] == [s["name"] for s in SOURCES]
    assert envelope["metadata"] == {"tool_name": "jules", "action": "list_sources", "count": len(SOURCES)}


async def test_a_session_from_create_through_approval_to_its_pull_request(
    call_tool: CallTool, settings: Settings, fake: FakeServer
) -> None:
    created = await act(
        call_tool,
        settings,
        action="create",
        prompt="add a test for the parser",
        source=SOURCES[0]["name"],
        starting_branch="develop",
        title="Parser tests",
        require_plan_approval=True,
    )
    session = json.loads(created["content"])
    assert session["state"] == "QUEUED" and session["title"] == "Parser tests"
    sent = fake.control.stats(bodies=1).recent[0]["body"]
    assert sent == {
        "prompt": "add a test for the parser",
        "sourceContext": {"source": SOURCES[0]["name"], "githubRepoContext": {"startingBranch": "develop"}},
        "automationMode": "AUTO_CREATE_PR",
        "requirePlanApproval": True,
        "title": "Parser tests",
    }
    sid = f"sessions/{session['session_id']}"
    states = []
    for _ in range(2):
        polled = await act(call_tool, settings, action="status", session_id=sid)
        states.append(json.loads(polled["content"])["state"])
    assert states == ["PLANNING", "AWAITING_PLAN_APPROVAL"]
    approved = await act(call_tool, settings, action="approve", session_id=sid)
    assert (
        approved["content"] == "Plan approved for the Jules session." and approved["content_type"] == "text"
    )
    status = await act(call_tool, settings, action="status", session_id=sid, page_size=10)
    report = json.loads(status["content"])
    assert report["state"] == "COMPLETED" and report["outputs"][0]["pullRequest"]["title"] == "Parser tests"
    assert [a["kind"] for a in report["activities"]] == [
        "plan_generated", "plan_approved", "progress", "session_completed",
    ]  # fmt: skip
    assert report["activities"][0]["text"] == "2 plan step(s)"
    assert status["metadata"]["state"] == "COMPLETED"


async def test_message_and_archive(call_tool: CallTool, settings: Settings) -> None:
    created = await act(call_tool, settings, action="create", prompt="x", source=SOURCES[1]["name"])
    sid = json.loads(created["content"])["session_id"]
    sent = await act(call_tool, settings, action="message", session_id=sid, prompt="prefer pytest")
    assert sent["content"] == "Message sent to the Jules session." and sent["metadata"]["session_id"] == sid
    report = json.loads((await act(call_tool, settings, action="status", session_id=sid))["content"])
    assert {"kind": "agent_message", "text": "FAKE-JULES-REPLY to: prefer pytest"}.items() <= report[
        "activities"
    ][1].items()
    archived = await act(call_tool, settings, action="archive", session_id=sid)
    assert json.loads(archived["content"]) == {"session_id": sid, "archived": True}
    restored = await act(call_tool, settings, action="unarchive", session_id=sid)
    assert json.loads(restored["content"]) == {"session_id": sid, "archived": False}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"action": "status"}, "action=status needs 'session_id'"),
        ({"action": "message", "session_id": "1"}, "action=message needs 'prompt'"),
        ({"action": "create", "prompt": "x"}, "action=create needs 'source'"),
        ({"action": "create", "prompt": "x", "source": "github/o/r"}, "is not a Jules source name"),
        ({"action": "create", "prompt": "x", "source": "sources/../x"}, "is not a Jules source name"),
        ({"action": "approve", "session_id": "../../sources"}, "is not a Jules session id"),
        ({"action": "delete"}, "argument 'action' must be one of"),
        ({"action": "status", "session_id": "1", "page_size": 500}, "must be between 1 and 100"),
        (
            {"action": "create", "prompt": "x", "source": SOURCES[0]["name"], "automation_mode": "YOLO"},
            "one of",
        ),
    ],
)
async def test_bad_arguments_are_refused_before_anything_is_sent(
    call_tool: CallTool, settings: Settings, fake: FakeServer, arguments: dict[str, Any], message: str
) -> None:
    from zen_server.tools.registry import ToolRegistry

    with pytest.raises(ToolInputError, match=message):
        checked = ToolRegistry([JulesTool()]).validate("jules", arguments, None, settings)  # type: ignore[arg-type]
        await call_tool(JulesTool(), checked, settings=settings)
    assert fake.control.stats().requests == 0


async def test_without_a_key_the_tool_says_how_to_configure_it(call_tool: CallTool, fake: FakeServer) -> None:
    settings = Settings(jules_api_key="", jules_base_url=fake.jules_base_url)
    with pytest.raises(ToolInputError, match="JULES_API_KEY is not set on this server"):
        await call_tool(JulesTool(), {"action": "list_sources"}, settings=settings)
    assert fake.control.stats().requests == 0


async def test_an_api_failure_is_a_tool_error_and_a_create_is_not_retried(
    call_tool: CallTool, settings: Settings, fake: FakeServer
) -> None:
    fake.control.set_model("sessions.create", {"faults": [{"kind": "error", "status": 500}]})
    with pytest.raises(JulesApiError, match=r"refused to create a session \(HTTP 500"):
        await call_tool(
            JulesTool(), {"action": "create", "prompt": "x", "source": SOURCES[0]["name"]}, settings=settings
        )
    assert fake.control.stats().by_model == {"sessions.create": 1}


def test_activity_summaries_cover_every_kind_and_unknown_ones() -> None:
    assert summarize_activity({"sessionFailed": {"reason": "tests fail"}, "originator": "agent"}) == {
        "originator": "agent", "createTime": None, "kind": "session_failed", "text": "tests fail",
    }  # fmt: skip
    assert summarize_activity({"somethingNew": {}, "description": "d"})["kind"] == "unknown"
