"""The structured audit log: one JSON line per tool call and per system event.

Owns :func:`audit_record` (event -> line, schema in :mod:`audit_schema`) and
:class:`AuditLog`, an Observer whose ``emit`` only timestamps the event and queues it; a
writer thread builds, redacts, serialises and writes the lines, so the event loop never
waits for the disk. Arguments are never written, only their digest; error messages and
details are redacted and truncated so secrets and raw file contents stay out.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from zen_server.observability.audit_schema import SCHEMA_VERSION
from zen_server.observability.audit_writer import RotatingLineWriter
from zen_server.observability.events import (
    BreakerTransition,
    DeploymentAttempt,
    Event,
    FallbackTaken,
    ProviderAttempt,
    RequestRejected,
    RetryScheduled,
    StoreOperation,
    SystemEvent,
    ThreadsEvicted,
    ToolCallFinished,
    ToolCallStarted,
)
from zen_server.observability.redaction import Redactor

MAX_MESSAGE_CHARS = 300  # enough to say what failed, too short to carry a file's contents
MAX_DETAIL_STRING = 200
MAX_THREAD_IDS = 50
# Many per call and already in the tool call line (provider, model): not worth a line each.
_METRICS_ONLY = (  # not audit lines
    ProviderAttempt,
    DeploymentAttempt,
    RetryScheduled,
    StoreOperation,
    ToolCallStarted,
)
_log = logging.getLogger("zen_server.audit")


def _iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _safe_detail(value: object, depth: int = 0) -> object:
    """Detail values made JSON-safe and short; nesting past 3 levels is summarised."""
    if isinstance(value, str):
        return _clip(value, MAX_DETAIL_STRING)
    if value is None or isinstance(value, bool | int | float):
        return value
    if depth >= 3:
        return _clip(repr(value), MAX_DETAIL_STRING)
    if isinstance(value, dict):
        return {str(k): _safe_detail(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_safe_detail(v, depth + 1) for v in list(value)[:50]]
    return _clip(str(value), MAX_DETAIL_STRING)


def audit_record(event: Event, at: float) -> dict[str, Any] | None:
    """The audit line for ``event`` at wall time ``at``, or None for events not audited.

    Provider attempts and retries are metrics only: they are many per call and the tool
    call line already names the provider and model that answered.
    """
    head: dict[str, Any] = {"v": SCHEMA_VERSION, "ts": _iso(at)}
    if isinstance(event, ToolCallFinished):
        error = None
        if event.error_type is not None or event.error_message is not None:
            error = {
                "type": event.error_type or "Error",
                "message": _clip(event.error_message or "", MAX_MESSAGE_CHARS),
            }
        return head | {
            "kind": "tool_call",
            "request_id": event.request_id,
            "session_id": event.session_id,
            "continuation_id": event.continuation_id,
            "tool": event.tool,
            "provider": event.provider,
            "model": event.model,
            "outcome": event.outcome,
            "duration_ms": round(max(event.duration_s, 0.0) * 1000.0, 3),
            "tokens": {"input": max(event.input_tokens, 0), "output": max(event.output_tokens, 0)},
            "arguments_sha256": event.arguments_digest,
            "error": error,
            "cached": event.cached,
        }
    if isinstance(event, BreakerTransition):
        return head | {
            "kind": "breaker_transition",
            "key": event.key,
            "from_state": event.from_state,
            "to_state": event.to_state,
            "reason": _clip(event.reason, MAX_MESSAGE_CHARS),
        }
    if isinstance(event, FallbackTaken):
        return head | {
            "kind": "fallback",
            "from_provider": event.from_provider,
            "to_provider": event.to_provider,
            "model": event.model,
            "reason": _clip(event.reason, MAX_MESSAGE_CHARS),
        }
    if isinstance(event, RequestRejected):
        return head | {
            "kind": "rejection",
            "reason": event.reason,
            "tool": event.tool,
            "session_id": event.session_id,
        }
    if isinstance(event, ThreadsEvicted):
        return head | {
            "kind": "eviction",
            "reason": event.reason,
            "count": event.count,
            "thread_ids": list(event.thread_ids[:MAX_THREAD_IDS]),
        }
    if isinstance(event, SystemEvent):
        return head | {"kind": event.kind, "detail": _safe_detail(event.detail)}
    return None


class AuditLog:
    """Observer writing audit lines to ``path`` (rotated by size) from a writer thread.

    ``emit`` never blocks: when the queue is full (the disk cannot keep up) the line is
    dropped and ``on_drop`` is called, so the loss shows in the metrics.
    """

    def __init__(
        self,
        path: Path,
        redactor: Redactor,
        *,
        max_bytes: int = 10 * 1024 * 1024,
        backups: int = 5,
        queue_size: int = 10_000,
        on_drop: Callable[[], None] | None = None,
    ) -> None:
        self.path = path
        self.dropped = 0
        self._redactor = redactor
        self._on_drop = on_drop
        self._queue_size = queue_size
        # SimpleQueue (C, lock-free put) keeps emit cheap; the bound is checked by hand.
        # None is the stop signal; it is queued once, by close().
        self._queue: queue.SimpleQueue[tuple[float, Event] | None] = queue.SimpleQueue()
        self._queued = 0  # incremented only by emitters
        self._done = 0  # incremented only by the writer thread
        self._writer = RotatingLineWriter(path, max_bytes=max_bytes, backups=backups)
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="zen-audit-writer", daemon=True)
        self._thread.start()

    # --- Observer ----------------------------------------------------------------------
    def emit(self, event: Event) -> None:
        if self._closed or isinstance(event, _METRICS_ONLY):
            return
        if self._queue.qsize() >= self._queue_size:
            self.dropped += 1
            if self._on_drop is not None:
                self._on_drop()
            return
        self._queued += 1
        self._queue.put((time.time(), event))

    def set_gauge(self, name: str, value: float, **labels: str) -> None:
        return None  # levels are metrics, not audit facts

    # --- writer thread -----------------------------------------------------------------
    def _run(self) -> None:
        while True:
            first = self._queue.get()
            batch = [first]
            while len(batch) < 512:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stop = any(item is None for item in batch)
            lines = [self._line(*item) for item in batch if item is not None]
            try:
                self._writer.write_lines([line for line in lines if line is not None])
            except (OSError, ValueError) as exc:  # a full disk must not kill the writer; lines are lost
                _log.error("audit log write failed: %s", exc)
            self._done += sum(1 for item in batch if item is not None)
            if stop:
                return

    def _line(self, at: float, event: Event) -> str | None:
        try:
            record = audit_record(event, at)
            if record is None:
                return None
            return json.dumps(self._redactor.redact_value(record), ensure_ascii=False, separators=(",", ":"))
        except Exception:  # one malformed event must not stop the writer thread
            _log.exception("audit line for %s could not be built", type(event).__name__)
            return None

    def flush(self, timeout: float = 5.0) -> None:
        """Wait until every queued line is on disk (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while self._done < self._queued and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.005)

    def close(self, timeout: float = 5.0) -> None:
        """Write what is queued, stop the thread and close the file; idempotent."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._thread.join(timeout)
        if self._thread.is_alive():
            _log.error("audit writer did not finish in %.1f s; some lines may be unwritten", timeout)
        self._writer.close()
