"""AuditLog: schema-valid lines per tool call and system event, digest not arguments, no secrets."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]  # no stubs in the dev extras
import pytest

from zen_server.observability.audit import AuditLog, audit_record
from zen_server.observability.audit_schema import AUDIT_SCHEMA
from zen_server.observability.events import (
    BreakerTransition,
    Event,
    FallbackTaken,
    ProviderAttempt,
    RequestRejected,
    RetryScheduled,
    SystemEvent,
    ThreadsEvicted,
    ToolCallFinished,
)
from zen_server.observability.redaction import Redactor

DOCS = Path(__file__).resolve().parents[3] / "docs" / "observability.md"
DIGEST = "a" * 64
VALIDATOR = jsonschema.Draft202012Validator(AUDIT_SCHEMA)

EVERY_AUDITED_EVENT: list[Event] = [
    ToolCallFinished(
        "req-1",
        "sess-1",
        "chat",
        "success",
        1.25,
        provider="openai",
        model="gpt-5",
        input_tokens=120,
        output_tokens=40,
        arguments_digest=DIGEST,
        continuation_id="c-1",
    ),
    ToolCallFinished(
        "req-2", None, "thinkdeep", "error", 0.5, error_type="ProviderError", error_message="boom"
    ),
    BreakerTransition("openai", "closed", "open", "failure rate 0.8 over 10 calls"),
    FallbackTaken("openai", "gemini", "gemini-2.5-pro", "breaker open"),
    RequestRejected("queue_full", tool="chat", session_id="sess-2"),
    ThreadsEvicted("lru", 2, ("t1", "t2")),
    SystemEvent("startup", {"providers": ["openai"], "nested": {"a": [1, 2, {"b": {"c": "deep"}}]}}),
    SystemEvent("shutdown", {"reason": "SIGTERM"}),
    SystemEvent("memory_pressure", {"rss_mb": 1900}),
    SystemEvent("store_unavailable"),
    SystemEvent("store_recovered"),
]


def test_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(AUDIT_SCHEMA)


@pytest.mark.parametrize("event", EVERY_AUDITED_EVENT, ids=lambda e: type(e).__name__)
def test_every_audited_event_produces_a_schema_valid_record(event: Event) -> None:
    record = audit_record(event, 1_700_000_000.123)
    assert record is not None
    VALIDATOR.validate(json.loads(json.dumps(record)))
    assert record["ts"] == "2023-11-14T22:13:20.123Z"


def test_provider_attempts_and_retries_are_metrics_only() -> None:
    assert audit_record(ProviderAttempt("openai", "gpt-5", "ok", 0.1), 0.0) is None
    assert audit_record(RetryScheduled("openai", "gpt-5", 1, 0.2, "503"), 0.0) is None


def test_schema_rejects_a_tool_call_missing_fields_or_with_extra_ones() -> None:
    good = audit_record(EVERY_AUDITED_EVENT[0], 0.0)
    assert good is not None
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate({k: v for k, v in good.items() if k != "duration_ms"})
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(good | {"arguments": {"prompt": "raw"}})


def test_tool_call_record_carries_the_digest_and_clips_long_error_messages() -> None:
    event = ToolCallFinished(
        "r", "s", "chat", "error", 0.1, arguments_digest=DIGEST, error_message="x" * 5000
    )
    record = audit_record(event, 0.0)
    assert record is not None
    assert record["arguments_sha256"] == DIGEST
    assert len(record["error"]["message"]) == 300
    assert record["tokens"] == {"input": 0, "output": 0}


def test_documented_schema_equals_the_one_the_server_writes() -> None:
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(
        r"<!-- audit-schema:begin -->\s*```json\n(.*?)```\s*<!-- audit-schema:end -->", text, re.S
    )
    assert match, "docs/observability.md must embed the audit schema between the markers"
    assert json.loads(match.group(1)) == json.loads(json.dumps(AUDIT_SCHEMA))


def read_lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_audit_log_writes_one_valid_line_per_audited_event(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    log = AuditLog(path, Redactor())
    for event in [*EVERY_AUDITED_EVENT, ProviderAttempt("openai", "gpt-5", "ok", 0.1)]:
        log.emit(event)
    log.close()
    lines = read_lines(path)
    assert [line["kind"] for line in lines] == [
        "tool_call",
        "tool_call",
        "breaker_transition",
        "fallback",
        "rejection",
        "eviction",
        "startup",
        "shutdown",
        "memory_pressure",
        "store_unavailable",
        "store_recovered",
    ]
    for line in lines:
        VALIDATOR.validate(line)


def test_audit_log_redacts_secrets_in_messages_reasons_and_details(tmp_path: Path) -> None:
    secret = "sk-planted-0123456789abcdef"
    path = tmp_path / "audit.log"
    log = AuditLog(path, Redactor([secret]))
    log.emit(ToolCallFinished("r", "s", "chat", "error", 0.1, error_message=f"401 for key {secret}"))
    log.emit(BreakerTransition("openai", "closed", "open", f"Authorization: Bearer {secret}"))
    log.emit(SystemEvent("startup", {"headers": {"x-goog-api-key": secret}, "list": [secret]}))
    log.close()
    text = path.read_text(encoding="utf-8")
    assert secret not in text
    assert text.count("[REDACTED]") >= 4
    for line in read_lines(path):
        VALIDATOR.validate(line)


def test_emit_does_not_wait_for_a_slow_disk_and_counts_drops_when_the_queue_is_full(tmp_path: Path) -> None:
    drops: list[int] = []
    log = AuditLog(tmp_path / "audit.log", Redactor(), queue_size=10, on_drop=lambda: drops.append(1))
    gate = threading.Event()
    gave_up: list[bool] = []
    original = log._writer.write_lines

    def stalled_write(lines: list[str]) -> None:
        # The disk answers only once every emit has returned; an emit that waited for it
        # would hold the gate shut until this wait gives up.
        if not gate.wait(60):
            gave_up.append(True)
        original(lines)

    log._writer.write_lines = stalled_write  # type: ignore[method-assign]
    for _ in range(200):
        log.emit(SystemEvent("memory_pressure"))
    gate.set()  # reached only because no emit waited for the stalled writer
    log.close()
    assert gave_up == []
    assert log.dropped == len(drops) > 0
    assert len(read_lines(tmp_path / "audit.log")) == 200 - log.dropped


def test_emit_after_close_is_ignored_and_close_is_idempotent(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.log", Redactor())
    log.emit(SystemEvent("startup"))
    log.close()
    log.emit(SystemEvent("shutdown"))
    log.close()
    assert [line["kind"] for line in read_lines(tmp_path / "audit.log")] == ["startup"]


def test_rotation_by_size_through_the_audit_log(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    log = AuditLog(path, Redactor(), max_bytes=2048, backups=3)
    for i in range(100):
        log.emit(ToolCallFinished(f"req-{i}", "s", "chat", "success", 0.1, arguments_digest=DIGEST))
        log.flush()
    log.close()
    files = sorted(tmp_path.iterdir())
    assert [p.name for p in files] == ["audit.log", "audit.log.1", "audit.log.2", "audit.log.3"]
    assert all(p.stat().st_size <= 2048 for p in files)
    newest = read_lines(path)
    assert newest[-1]["request_id"] == "req-99"
