"""The audit writer survives backlogs, stalls and odd events without losing the lines it can write."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from zen_server.observability.audit import AuditLog, audit_record
from zen_server.observability.events import FanOutObserver, RecordingObserver, SystemEvent
from zen_server.observability.redaction import Redactor


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


class _Stall:
    """Holds the writer thread inside write_lines until released."""

    def __init__(self, log: AuditLog) -> None:
        self.gate = threading.Event()
        self.entered = threading.Event()
        original = log._writer.write_lines

        def stalled(lines: list[str]) -> None:
            self.entered.set()
            self.gate.wait(5)
            original(lines)

        log._writer.write_lines = stalled  # type: ignore[method-assign]


@pytest.fixture
def stalled_log(tmp_path: Path) -> Iterator[tuple[AuditLog, _Stall]]:
    log = AuditLog(tmp_path / "audit.log", Redactor(), queue_size=5000)
    stall = _Stall(log)
    yield log, stall
    stall.gate.set()
    log.close()


def test_details_of_unknown_types_become_text_and_deep_nesting_is_summarised() -> None:
    detail: dict[str, object] = {"where": Path("/var/zen"), "deep": {"a": {"b": {"c": [1, 2]}}}}
    record = audit_record(SystemEvent("startup", detail), 0.0)
    assert record is not None
    assert record["detail"]["where"] == "/var/zen"
    assert record["detail"]["deep"] == {"a": {"b": "{'c': [1, 2]}"}}


def test_a_backlog_larger_than_one_batch_is_written_completely_in_order(
    stalled_log: tuple[AuditLog, _Stall], tmp_path: Path
) -> None:
    log, stall = stalled_log
    log.emit(SystemEvent("startup", {"n": -1}))
    assert stall.entered.wait(5)  # the writer holds the first line; the rest queue up
    for n in range(1200):
        log.emit(SystemEvent("memory_pressure", {"n": n}))
    stall.gate.set()
    log.close()
    numbers = [line["detail"]["n"] for line in _lines(tmp_path / "audit.log")]
    assert numbers == [-1, *range(1200)]
    assert log.dropped == 0


def test_a_full_queue_without_a_drop_callback_still_counts_the_drop(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.log", Redactor(), queue_size=2)
    stall = _Stall(log)
    log.emit(SystemEvent("startup"))
    assert stall.entered.wait(5)
    for _ in range(5):
        log.emit(SystemEvent("memory_pressure"))
    stall.gate.set()
    log.close()
    assert log.dropped == 3
    assert len(_lines(tmp_path / "audit.log")) == 3


def test_an_event_the_log_does_not_know_is_skipped_and_the_writer_carries_on(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.log", Redactor())
    log.emit(object())  # type: ignore[arg-type]
    log.emit(SystemEvent("shutdown"))
    log.close()
    assert [line["kind"] for line in _lines(tmp_path / "audit.log")] == ["shutdown"]


def test_close_with_a_stuck_disk_returns_on_time_and_says_lines_may_be_lost(
    stalled_log: tuple[AuditLog, _Stall], caplog: pytest.LogCaptureFixture
) -> None:
    log, stall = stalled_log
    log.emit(SystemEvent("startup"))
    assert stall.entered.wait(5)
    with caplog.at_level(logging.ERROR, logger="zen_server.audit"):
        log.close(timeout=0.05)
    assert "audit writer did not finish in 0.1 s; some lines may be unwritten" in caplog.text


class _Broken:
    def emit(self, event: object) -> None:
        raise RuntimeError("observer down")

    def set_gauge(self, name: str, value: float, **labels: str) -> None:
        raise RuntimeError("observer down")


def test_fan_out_keeps_serving_the_other_observers_when_one_raises() -> None:
    before, after = RecordingObserver(), RecordingObserver()
    fan = FanOutObserver(before, _Broken(), after)
    event = SystemEvent("startup")
    fan.emit(event)
    fan.set_gauge("zen_in_flight", 3.0, tool="chat")
    for recorder in (before, after):
        assert recorder.events == [event]
        assert recorder.gauges == {("zen_in_flight", (("tool", "chat"),)): 3.0}
