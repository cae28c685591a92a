"""Server logs: JSON on the given stream (stderr), never stdout, redacted everywhere."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from zen_server.observability.events import BreakerTransition, SystemEvent, ToolCallFinished
from zen_server.observability.logs import LogObserver, configure_logging, unconfigure_logging
from zen_server.observability.redaction import Redactor

SECRET = "gemini-planted-secret-98765"


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    level = logging.getLogger().level
    configure_logging(Redactor([SECRET]), level="DEBUG", stream=stream)
    try:
        yield stream
    finally:
        unconfigure_logging()
        logging.getLogger().setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_structlog_and_stdlib_records_become_redacted_json_lines(
    log_stream: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    structlog.stdlib.get_logger("zen_server.test").info("calling provider", api_key=SECRET, attempt=1)
    logging.getLogger("some.library").warning("sending header Authorization: Bearer %s", SECRET)
    records = lines(log_stream)
    assert [r["event"] for r in records] == [
        "calling provider",
        "sending header Authorization: Bearer [REDACTED]",
    ]
    assert records[0]["api_key"] == "[REDACTED]"
    assert records[0]["attempt"] == 1
    assert records[0]["level"] == "info"
    assert SECRET not in log_stream.getvalue()
    assert capsys.readouterr().out == ""  # stdout is the MCP channel


def test_tracebacks_are_redacted(log_stream: io.StringIO) -> None:
    try:
        raise RuntimeError(f"provider refused key {SECRET}")
    except RuntimeError:
        logging.getLogger("zen_server.gateway").exception("call failed")
    text = log_stream.getvalue()
    assert "RuntimeError: provider refused key [REDACTED]" in text
    assert SECRET not in text


def test_configuring_twice_keeps_one_handler(log_stream: io.StringIO) -> None:
    configure_logging(Redactor([SECRET]), level="DEBUG", stream=log_stream)
    logging.getLogger("x").info("once")
    assert len(lines(log_stream)) == 1


def test_log_observer_reports_failures_breakers_and_lifecycle(log_stream: io.StringIO) -> None:
    observer = LogObserver()
    observer.emit(ToolCallFinished("r1", None, "chat", "success", 0.1))  # successes are audit-only
    observer.emit(ToolCallFinished("r2", None, "chat", "error", 0.2, error_message=f"bad key {SECRET}"))
    observer.emit(BreakerTransition("openai", "closed", "open", "5 failures"))
    observer.emit(SystemEvent("startup", {"transport": "stdio"}))
    records = lines(log_stream)
    assert [(r["event"], r["level"]) for r in records] == [
        ("tool call failed", "warning"),
        ("breaker transition", "warning"),
        ("startup", "info"),
    ]
    assert records[0]["error"] == "bad key [REDACTED]"
    assert records[1]["to_state"] == "open"
    assert records[2]["detail"] == {"transport": "stdio"}


def test_json_lines_carry_no_terminal_colour_codes(log_stream: io.StringIO) -> None:
    # uvicorn logs its startup with a coloured copy in extra={"color_message": ...}.
    logging.getLogger("uvicorn.error").info(
        "Started server process [%d]",
        42,
        extra={"color_message": "Started server process [\x1b[36m%d\x1b[0m]"},
    )
    logging.getLogger("some.library").warning("status \x1b[1;31mFAILED\x1b[0m for %s", "x")
    text = log_stream.getvalue()
    assert "\x1b" not in text
    first, second = lines(log_stream)
    assert first["event"] == "Started server process [42]" and "color_message" not in first
    assert second["event"] == "status FAILED for x"
