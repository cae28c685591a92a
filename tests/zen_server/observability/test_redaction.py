"""Redactor: configured secrets and credential-shaped values never survive."""

from __future__ import annotations

import pytest

from zen_server.observability.redaction import REDACTED, Redactor

PLANTED = "planted-openai-key-7f3a9c21"


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("Authorization: Bearer tok.abc-123_XYZ", "tok.abc-123_XYZ"),
        ("bearer eyJhbGciOi.payload.sig", "eyJhbGciOi.payload.sig"),
        ("authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
        ("x-goog-api-key: AIzaSyA1234567890abcdefghijk", "AIzaSyA1234567890abcdefghijk"),
        ('{"api_key": "hunter2hunter2"}', "hunter2hunter2"),
        ("GET /v1beta/models?key=abc123def&alt=sse", "abc123def"),
        ("client used sk-proj-0123456789abcdef here", "sk-proj-0123456789abcdef"),
        ("xai key xai-AbCdEfGhIjKlMnOp", "xai-AbCdEfGhIjKlMnOp"),
        ("loose AIzaSyB0000000000000000000000 in text", "AIzaSyB0000000000000000000000"),
    ],
)
def test_credential_shapes_are_redacted_without_configuration(text: str, gone: str) -> None:
    out = Redactor().redact(text)
    assert gone not in out
    assert REDACTED in out


def test_configured_secret_is_redacted_wherever_it_appears() -> None:
    redactor = Redactor([PLANTED])
    out = redactor.redact(f"prefix{PLANTED}suffix and again {PLANTED}")
    assert PLANTED not in out
    assert out == f"prefix{REDACTED}suffix and again {REDACTED}"


def test_longest_secret_wins_when_one_contains_another() -> None:
    redactor = Redactor(["abcdef", "abcdefghijkl"])
    assert redactor.redact("x abcdefghijkl y") == f"x {REDACTED} y"


def test_short_secrets_are_ignored_so_ordinary_words_survive() -> None:
    assert Redactor(["abc"]).redact("abc is a word") == "abc is a word"


def test_ordinary_text_is_unchanged() -> None:
    text = "task-abcdefghijkl risk-assessment1234 keyboard=qwerty monkey"
    assert Redactor().redact(text) == text


def test_redact_value_walks_nested_structures() -> None:
    redactor = Redactor([PLANTED])
    value = {"a": [PLANTED, {"b": (f"x{PLANTED}",)}], "n": 3, "none": None}
    assert redactor.redact_value(value) == {"a": [REDACTED, {"b": [f"x{REDACTED}"]}], "n": 3, "none": None}


def test_structlog_processor_redacts_fields_and_exceptions() -> None:
    redactor = Redactor([PLANTED])
    event = {"event": f"calling with {PLANTED}", "headers": {"Authorization": "Bearer abcdefgh"}}
    event["exc"] = ValueError(PLANTED)  # type: ignore[assignment]
    out = redactor.structlog_processor(None, "info", event)
    assert PLANTED not in repr(out)
    assert "abcdefgh" not in repr(out)
