"""The fake Jules API: its routes and Google error bodies, how sessions move, and faults per operation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from fakes import FakeProviderProcess
from fakes.jules import SOURCES
from fakes.testing import FakeServer

SOURCE = SOURCES[0]["name"]


@pytest.fixture
def api(fake_jules: FakeServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=fake_jules.jules_base_url, headers={"x-goog-api-key": "k"}, timeout=5
    ) as client:
        yield client


def create(api: httpx.Client, **extra: Any) -> dict[str, Any]:
    response = api.post(
        "/sessions", json={"prompt": "add tests", "sourceContext": {"source": SOURCE}, **extra}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def states(api: httpx.Client, session_id: str, polls: int) -> list[str]:
    return [api.get(f"/sessions/{session_id}").json()["state"] for _ in range(polls)]


def test_sources_lists_the_connected_repositories(api: httpx.Client) -> None:
    sources = api.get("/sources").json()["sources"]
    assert [s["name"] for s in sources] == [s["name"] for s in SOURCES]
    assert sources[0]["githubRepo"]["repo"] == "demo"


def test_a_session_without_plan_approval_runs_to_completion_with_a_pull_request(api: httpx.Client) -> None:
    session = create(api, automationMode="AUTO_CREATE_PR", title="Add tests")
    assert session["state"] == "QUEUED" and session["name"] == f"sessions/{session['id']}"
    assert states(api, session["id"], 4) == ["PLANNING", "IN_PROGRESS", "COMPLETED", "COMPLETED"]
    done = api.get(f"/sessions/{session['id']}").json()
    assert done["outputs"][0]["pullRequest"]["title"] == "Add tests"
    kinds = [next(k for k in a if k not in {"name", "originator", "createTime"}) for a in
             api.get(f"/sessions/{session['id']}/activities").json()["activities"]]  # fmt: skip
    assert kinds == ["planGenerated", "progressUpdated", "sessionCompleted"]


def test_a_plan_waits_for_approval_and_approving_twice_is_refused(api: httpx.Client) -> None:
    session = create(api, requirePlanApproval=True)
    assert states(api, session["id"], 3) == ["PLANNING", "AWAITING_PLAN_APPROVAL", "AWAITING_PLAN_APPROVAL"]
    assert api.post(f"/sessions/{session['id']}:approvePlan").status_code == 200
    again = api.post(f"/sessions/{session['id']}:approvePlan")
    assert again.status_code == 400 and "no plan is waiting for approval" in again.json()["error"]["message"]
    assert states(api, session["id"], 1) == ["COMPLETED"]
    assert "outputs" not in api.get(f"/sessions/{session['id']}").json()  # no AUTO_CREATE_PR, no PR


def test_a_message_is_answered_in_the_activities(api: httpx.Client) -> None:
    session = create(api)
    assert api.post(f"/sessions/{session['id']}:sendMessage", json={"prompt": "use pytest"}).json() == {}
    activities = api.get(f"/sessions/{session['id']}/activities", params={"pageSize": 5}).json()["activities"]
    assert activities[0]["userMessaged"] == {"userMessage": "use pytest"}
    assert activities[1]["agentMessaged"]["agentMessage"] == "FAKE-JULES-REPLY to: use pytest"


def test_archived_sessions_leave_the_list_until_unarchived(api: httpx.Client) -> None:
    session = create(api)
    api.post(f"/sessions/{session['id']}:archive")
    assert api.get("/sessions").json()["sessions"] == []
    api.post(f"/sessions/{session['id']}:unarchive")
    assert [s["id"] for s in api.get("/sessions").json()["sessions"]] == [session["id"]]


def test_activities_page_and_page_size_bounds(api: httpx.Client) -> None:
    session = create(api)
    for word in ("one", "two"):
        api.post(f"/sessions/{session['id']}:sendMessage", json={"prompt": word})
    page = api.get(f"/sessions/{session['id']}/activities", params={"pageSize": 3}).json()
    assert len(page["activities"]) == 3 and page["nextPageToken"] == "3"
    refused = api.get(f"/sessions/{session['id']}/activities", params={"pageSize": 0})
    assert refused.status_code == 400 and refused.json()["error"]["status"] == "INVALID_ARGUMENT"


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "message"),
    [
        ("GET", "/sessions/0000000000000099", None, 404, "Requested entity was not found"),
        ("POST", "/sessions", {"sourceContext": {"source": SOURCE}}, 400, "'prompt' is required"),
        ("POST", "/sessions", {"prompt": "x"}, 400, "sourceContext.source is required"),
        (
            "POST",
            "/sessions",
            {"prompt": "x", "sourceContext": {"source": "sources/github/a/b"}},
            400,
            "not connected",
        ),
        ("POST", "/sessions", "not json", 400, "Invalid JSON payload"),
        ("DELETE", "/sources", None, 404, "Unknown request URL"),
    ],
)
def test_bad_requests_get_google_error_bodies(
    api: httpx.Client, method: str, path: str, body: Any, status: int, message: str
) -> None:
    kwargs: dict[str, Any] = {"content": body} if isinstance(body, str) else {"json": body}
    response = api.request(method, path, **kwargs)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == status and message in error["message"] and error["status"]


def test_a_request_without_an_api_key_is_unauthenticated(fake_jules: FakeServer) -> None:
    response = httpx.get(f"{fake_jules.jules_base_url}/sources")
    assert response.status_code == 401 and response.json()["error"]["status"] == "UNAUTHENTICATED"


def test_a_faulted_create_leaves_no_session_and_retry_after_is_sent(
    api: httpx.Client, fake_jules: FakeServer
) -> None:
    fault = {"kind": "error", "status": 429, "retry_after_s": 3, "max_count": 1}
    fake_jules.control.set_model("sessions.create", {"faults": [fault]})
    first = api.post("/sessions", json={"prompt": "x", "sourceContext": {"source": SOURCE}})
    assert first.status_code == 429 and first.headers["retry-after"] == "3"
    assert first.json()["error"]["details"][0]["retryDelay"] == "3s"
    assert api.get("/sessions").json()["sessions"] == []
    assert create(api)["id"] == "0000000000000001"  # the faulted attempt used up no id
    stats = fake_jules.control.stats()
    assert stats.by_model["sessions.create"] == 2 and stats.by_fault["error:429"] == 1


def test_a_truncated_read_does_not_advance_the_session(api: httpx.Client, fake_jules: FakeServer) -> None:
    session = create(api)
    fake_jules.control.set_model("sessions.get", {"faults": [{"kind": "truncated", "max_count": 1}]})
    with pytest.raises(httpx.RemoteProtocolError):
        api.get(f"/sessions/{session['id']}")
    assert states(api, session["id"], 1) == ["PLANNING"]


def test_a_hung_operation_times_the_client_out_while_others_answer(
    api: httpx.Client, fake_jules: FakeServer
) -> None:
    fake_jules.control.set_model("sources.list", {"faults": [{"kind": "hang"}]})
    with pytest.raises(httpx.ReadTimeout):
        api.get("/sources", timeout=0.5)
    assert create(api)["state"] == "QUEUED"


def test_the_fake_runs_from_the_command_line() -> None:
    with FakeProviderProcess("jules") as fake:
        response = httpx.get(f"{fake.jules_base_url}/sources", headers={"x-goog-api-key": "k"})
        assert response.status_code == 200 and len(response.json()["sources"]) == len(SOURCES)
        assert fake.control.health()["provider"] == "jules"


async def test_the_same_fake_runs_in_process_on_respx(fake_respx: Any) -> None:
    mounted = fake_respx("jules")
    async with httpx.AsyncClient(headers={"x-goog-api-key": "k"}) as client:
        response = await client.get("https://jules.googleapis.com/v1alpha/sources")
    assert response.status_code == 200 and mounted.route.calls[0].request.headers["x-goog-api-key"] == "k"
