from __future__ import annotations

from datetime import UTC, datetime

import pytest

from zen_server.errors import (
    CircuitOpenError,
    DeadlineExceeded,
    PermanentProviderError,
    TransientProviderError,
)
from zen_server.resilience.classify import (
    classify,
    parse_duration,
    parse_retry_after,
    retry_hint_from_message,
)


def test_transient_error_is_retryable_with_its_retry_after() -> None:
    decision = classify(TransientProviderError("x", provider="p", status=429, retry_after=4.0))
    assert decision.retryable and decision.retry_after == 4.0 and decision.reason == "HTTP 429"


@pytest.mark.parametrize(
    "error",
    [
        PermanentProviderError("x", provider="p", status=400),
        CircuitOpenError("x", provider="p"),
        DeadlineExceeded("x"),
        ValueError("bug"),
    ],
)
def test_non_transient_errors_are_not_retryable(error: Exception) -> None:
    assert not classify(error).retryable


def test_retry_after_parses_seconds_and_http_date() -> None:
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("Wed, 01 Jan 2025 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Wed, 01 Jan 2025 11:00:00 GMT", now=now) == 0.0  # in the past


@pytest.mark.parametrize("value", [None, "", "soon", "nan", "-5x"])
def test_unreadable_retry_after_is_none(value: str | None) -> None:
    assert parse_retry_after(value) is None


def test_retry_after_is_capped() -> None:
    assert parse_retry_after("999999") == 3600.0


def test_go_style_durations() -> None:
    assert parse_duration("6m0s") == 360.0
    assert parse_duration("250ms") == 0.25
    assert parse_duration("1.5s") == 1.5
    assert parse_duration("garbage") is None


def test_openai_try_again_hint_in_message() -> None:
    assert retry_hint_from_message("Rate limit reached. Please try again in 20s. Visit ...") == 20.0
    assert retry_hint_from_message("Please try again in 120ms.") == 0.12
    assert retry_hint_from_message("no hint here") is None
