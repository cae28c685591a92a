"""The HTTP helpers read every error-body shape providers send and never leak a key."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from zen_server.errors import TransientProviderError
from zen_server.providers.http import error_detail, error_for_status, parse_json_object, post_json, scrub


def test_scrub_skips_empty_secrets_and_still_redacts_key_shaped_text() -> None:
    text = "key sk-abcdefghij and secret hunter2 here"
    assert scrub(text, ["", "hunter2"]) == "key [redacted] and secret [redacted] here"


async def test_a_call_with_no_time_left_fails_fast_without_touching_the_network() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(TransientProviderError, match="no time left before the deadline") as caught:
            await post_json(
                client,
                "https://provider.test/v1/chat",
                body={},
                headers={},
                timeout_s=0.0,
                connect_timeout_s=5.0,
                read_timeout_s=30.0,
                provider="openai",
                model="o3",
            )
    assert sent == []
    assert caught.value.provider == "openai" and caught.value.model == "o3"


@pytest.mark.parametrize("payload", [[1, 2], "text", 3])
def test_json_that_is_not_an_object_is_a_transient_malformed_answer(payload: Any) -> None:
    response = httpx.Response(200, json=payload)
    with pytest.raises(TransientProviderError, match="the answer is JSON but not an object"):
        parse_json_object(response, provider="xai", model="grok")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"error": "model overloaded"}, ("model overloaded", "")),
        ({"error": {"message": "bad key", "code": 401, "type": None}}, ("bad key", "401")),
        ({"detail": "nope"}, ("{'detail': 'nope'}", "")),
        (["oops"], ("['oops']", "")),
    ],
)
def test_error_detail_reads_string_object_and_unknown_error_bodies(
    body: Any, expected: tuple[str, str]
) -> None:
    assert error_detail(httpx.Response(400, json=body)) == expected


def test_gemini_retry_delay_is_found_among_other_details() -> None:
    body = {
        "error": {
            "message": "quota for this minute used",
            "details": ["not a dict", {"@type": "ErrorInfo"}, {"retryDelay": "7s"}],
        }
    }
    error = error_for_status(httpx.Response(429, json=body), provider="gemini", model="pro")
    assert isinstance(error, TransientProviderError)
    assert error.retry_after == 7.0


@pytest.mark.parametrize(
    "details",
    [{"retryDelay": "7s"}, [{"@type": "ErrorInfo"}], "later"],
)
def test_a_503_without_a_usable_retry_delay_has_no_retry_after(details: Any) -> None:
    body = {"error": {"message": "unavailable", "details": details}}
    error = error_for_status(httpx.Response(503, json=body), provider="gemini", model="pro")
    assert isinstance(error, TransientProviderError)
    assert error.retry_after is None
