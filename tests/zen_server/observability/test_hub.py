"""ObservabilityHub: one Observer fanning out to metrics, audit, live state and logs."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]  # no stubs in the dev extras
import pytest
import structlog
from pydantic import SecretStr

from zen_server.config import Settings
from zen_server.observability.audit_schema import AUDIT_SCHEMA
from zen_server.observability.events import (
    BreakerTransition,
    Event,
    ProviderAttempt,
    RequestRejected,
    SystemEvent,
    ThreadsEvicted,
    ToolCallFinished,
)
from zen_server.observability.hub import ObservabilityHub
from zen_server.observability.logs import unconfigure_logging
from zen_server.observability.startup import startup_event

API_KEY = "sk-planted-openai-4c1e5f0a9b8d7e6f"
BEARER = "zen-bearer-planted-77aa88bb99cc"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    level = logging.getLogger().level
    yield
    unconfigure_logging()
    logging.getLogger().setLevel(level)


def settings(tmp_path: Path) -> Settings:
    return Settings(
        openai_api_key=SecretStr(API_KEY),
        zen_auth_token=SecretStr(BEARER),
        zen_audit_log=tmp_path / "audit" / "audit.log",
        log_level="DEBUG",
    )


async def test_planted_api_key_and_bearer_token_appear_in_neither_audit_nor_logs(
    tmp_path: Path, restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    s = settings(tmp_path)
    hub = ObservabilityHub(s, process_metrics=False)
    stream = io.StringIO()
    hub.install_logging(stream)
    # Every place a secret could slip in: error text, breaker reasons, details, headers, tracebacks.
    events: list[Event] = [
        startup_event(s, transport="stdio", headers={"Authorization": f"Bearer {BEARER}"}),
        ToolCallFinished(
            "req-1",
            "sess",
            "chat",
            "error",
            0.4,
            provider="openai",
            model="gpt-5",
            error_type="PermanentProviderError",
            error_message=f"401: invalid key {API_KEY}",
        ),
        ToolCallFinished(
            "req-2", "sess", "chat", "deadline", 9.0, error_message=f"Bearer {BEARER} timed out"
        ),
        BreakerTransition("openai", "closed", "open", f"auth failures for {API_KEY}"),
        RequestRejected("session_limit", tool="chat", session_id=BEARER),
        ThreadsEvicted("ttl", 1, (API_KEY,)),
        SystemEvent("shutdown", {"note": f"x-goog-api-key: {API_KEY}"}),
    ]
    for event in events:
        hub.emit(event)
    logging.getLogger("httpx").warning("HTTP Request: POST with Authorization: Bearer %s", BEARER)
    structlog.stdlib.get_logger("zen_server.gateway").error("provider call", api_key=API_KEY, token=BEARER)
    try:
        raise PermissionError(f"rejected {API_KEY}")
    except PermissionError:
        logging.getLogger("zen_server.gateway").exception("attempt failed")
    await hub.aclose()

    audit_text = (tmp_path / "audit" / "audit.log").read_text(encoding="utf-8")
    logs_text = stream.getvalue()
    out = capsys.readouterr()
    for secret in (API_KEY, BEARER):
        for name, text in [
            ("audit", audit_text),
            ("logs", logs_text),
            ("stdout", out.out),
            ("stderr", out.err),
        ]:
            assert secret not in text, f"{secret[:10]}... leaked into {name}"
    assert out.out == ""
    audit_lines = [json.loads(line) for line in audit_text.splitlines()]
    assert len(audit_lines) == len(events)  # everything was written, redacted rather than dropped
    validator = jsonschema.Draft202012Validator(AUDIT_SCHEMA)
    for line in audit_lines:
        validator.validate(line)
    assert "[REDACTED]" in audit_text
    assert "[REDACTED]" in logs_text
    assert len(logs_text.splitlines()) >= 8


async def test_one_emit_reaches_metrics_live_state_and_audit(tmp_path: Path) -> None:
    hub = ObservabilityHub(settings(tmp_path), process_metrics=False, log_events=False)
    hub.emit(ToolCallFinished("r", None, "chat", "success", 0.5, provider="openai", model="gpt-5"))
    hub.emit(ProviderAttempt("openai", "gpt-5", "ok", 0.4))
    await hub.aclose()
    registry = hub.metrics.registry
    assert registry.get_sample_value("zen_tool_calls_total", {"tool": "chat", "outcome": "success"}) == 1
    assert (
        registry.get_sample_value(
            "zen_provider_requests_total", {"provider": "openai", "model": "gpt-5", "status": "ok"}
        )
        == 1
    )
    assert hub.snapshot()["calls"] == 1
    kinds = [json.loads(line)["kind"] for line in (tmp_path / "audit" / "audit.log").read_text().splitlines()]
    assert kinds == ["tool_call"]


async def test_without_zen_audit_log_there_is_no_audit_file() -> None:
    hub = ObservabilityHub(Settings(), process_metrics=False, log_events=False)
    assert hub.audit is None
    hub.emit(SystemEvent("startup"))
    await hub.aclose()


class Exploding:
    def emit(self, event: Event) -> None:
        raise RuntimeError("observer bug")

    def set_gauge(self, name: str, value: float, **labels: str) -> None:
        raise RuntimeError("observer bug")


def test_a_failing_observer_never_reaches_the_caller_nor_the_others() -> None:
    hub = ObservabilityHub(Settings(), process_metrics=False, log_events=False)
    hub._observers = (Exploding(), *hub._observers)
    hub.emit(ToolCallFinished("r", None, "chat", "success", 0.1))
    hub.set_gauge("in_flight", 3)
    assert hub.metrics.registry.get_sample_value("zen_in_flight_requests") == 3
    assert hub.snapshot()["calls"] == 1


async def test_samplers_report_rss_and_event_loop_lag(tmp_path: Path) -> None:
    hub = ObservabilityHub(Settings(), process_metrics=False, log_events=False)
    hub._loop_lag._interval = 0.05
    await hub.start()
    await asyncio.sleep(0.12)
    time.sleep(0.2)  # noqa: ASYNC251 -- blocking the loop on purpose: the next sample must see it
    await asyncio.sleep(0.12)
    await hub.aclose()
    registry = hub.metrics.registry
    rss = registry.get_sample_value("zen_process_resident_memory_bytes")
    assert rss is not None
    assert rss > 10 * 1024 * 1024
    assert hub._loop_lag.max_lag_s >= 0.1
    assert hub.snapshot()["rss_bytes"] == rss
