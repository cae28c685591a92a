"""The Jules client against the fake Jules API: the key's place, ids in paths, every failure named."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from fakes.jules import SOURCES
from fakes.testing import FakeServer
from zen_server.errors import JulesApiError, ToolInputError
from zen_server.jules import JulesClient, session_id_from
from zen_server.resilience.deadline import deadline_scope

KEY = "jules-test-key-0123456789"


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    with FakeServer("jules", seed=3) as server:
        yield server


@pytest.fixture
async def client(fake: FakeServer) -> AsyncIterator[JulesClient]:
    async with JulesClient(fake.jules_base_url, KEY, connect_timeout_s=2, read_timeout_s=5) as jules:
        yield jules


@pytest.mark.parametrize(
    ("raw", "expected"), [("abc-123_X", "abc-123_X"), ("sessions/42", "42"), (" 7 ", "7")]
)
def test_session_ids_are_accepted_bare_or_as_resource_names(raw: str, expected: str) -> None:
    assert session_id_from(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "../sources", "a/b", "sessions/a/b", "a?x=1", "a:approvePlan", "a b", "é"]
)
def test_anything_that_could_reshape_the_url_is_refused(raw: str) -> None:
    with pytest.raises(ToolInputError, match="is not a Jules session id"):
        session_id_from(raw)


async def test_a_session_goes_from_create_to_completed(client: JulesClient) -> None:
    body = {"prompt": "p", "sourceContext": {"source": SOURCES[0]["name"]}, "requirePlanApproval": True}
    created = await client.create_session(body)
    sid = created["id"]
    assert (await client.get_session(sid))["state"] == "PLANNING"
    assert (await client.get_session(sid))["state"] == "AWAITING_PLAN_APPROVAL"
    assert await client.approve_plan(sid) == {}
    assert await client.send_message(sid, "hurry") == {}
    assert (await client.get_session(sid))["state"] == "COMPLETED"
    activities = (await client.list_activities(sid, 2))["activities"]
    assert len(activities) == 2 and "planGenerated" in activities[0]
    assert await client.set_archived(sid, True) == {}
    assert (await client.list_sources())["sources"][0]["name"] == SOURCES[0]["name"]


async def test_the_key_travels_in_its_header_never_in_the_url(fake_respx: Any) -> None:
    mounted = fake_respx("jules", base_url="https://jules.test")
    async with JulesClient("https://jules.test/v1alpha", KEY, connect_timeout_s=1, read_timeout_s=1) as jules:
        await jules.list_sources()
    request = mounted.route.calls[0].request
    assert request.headers["x-goog-api-key"] == KEY and KEY not in str(request.url)


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (
            {"kind": "error", "status": 503},
            r"refused to list sources \(HTTP 503 UNAVAILABLE\).*try again later",
        ),
        ({"kind": "error", "status": 429}, "Jules is rate limiting: wait and try again"),
        ({"kind": "malformed_json"}, "a body that is not JSON"),
        ({"kind": "wrong_content_type"}, "a body that is not JSON"),
        (
            {"kind": "truncated"},
            "the connection to Jules broke before the answer to list sources was complete",
        ),
        ({"kind": "drop"}, "the connection to Jules broke|could not reach Jules"),
    ],
)
async def test_faults_become_errors_that_name_the_operation(
    client: JulesClient, fake: FakeServer, fault: dict[str, Any], message: str
) -> None:
    fake.control.set_model("sources.list", {"faults": [fault]})
    with pytest.raises(JulesApiError, match=message):
        await client.list_sources()


async def test_an_unknown_session_says_what_to_check(client: JulesClient) -> None:
    with pytest.raises(JulesApiError, match=r"HTTP 404 NOT_FOUND.*check the session id") as info:
        await client.get_session("0000000000000404")
    assert info.value.status == 404


async def test_a_hanging_api_is_bounded_by_the_call_deadline(client: JulesClient, fake: FakeServer) -> None:
    fake.control.set_model("sessions.get", {"faults": [{"kind": "hang"}]})
    async with deadline_scope(1):
        with pytest.raises(
            JulesApiError, match=r"Jules did not answer within 0\.8 s trying to read the session"
        ):
            await client.get_session("1")


async def test_secrets_in_an_error_body_are_redacted(fake: FakeServer) -> None:
    leak = f"bad key {KEY} and sk-abcdefghijklmnop"
    fake.control.set_model("sources.list", {"faults": [{"kind": "error", "status": 403, "message": leak}]})
    async with JulesClient(fake.jules_base_url, KEY, connect_timeout_s=2, read_timeout_s=5) as jules:
        with pytest.raises(JulesApiError) as info:
            await jules.list_sources()
    text = str(info.value)
    assert (
        "HTTP 403" in text and KEY not in text and "sk-abcdefghijklmnop" not in text and "[REDACTED]" in text
    )


async def test_an_unreachable_api_names_the_setting_to_check() -> None:
    async with JulesClient("http://127.0.0.1:9/v1alpha", KEY, connect_timeout_s=1, read_timeout_s=1) as jules:
        with pytest.raises(JulesApiError, match=r"could not reach Jules to list sources.*JULES_BASE_URL"):
            await jules.list_sources()
