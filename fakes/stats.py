"""Request statistics of one fake: totals, in flight now, peak in flight, per status, recent bodies.

Thread-safe because tests read it from another thread while the fake's loop writes it.
"""

from __future__ import annotations

import json
import threading
from collections import Counter, deque
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RecordedCall:
    """What the stats keep of one provider request (body bounded by `recent_bodies`)."""

    seq: int
    method: str
    path: str
    model: str | None
    stream: bool
    fault: str
    status: int
    body: Any
    # Wall-clock arrival time (epoch seconds): lets a harness check the spacing of retries.
    at: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "method": self.method,
            "path": self.path,
            "model": self.model,
            "stream": self.stream,
            "fault": self.fault,
            "status": self.status,
            "body": self.body,
            "at": self.at,
        }


def decode_body(raw: bytes) -> Any:
    """The parsed JSON body when it parses, else its text, so stats are always JSON."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", errors="replace")


class StatsRecorder:
    """Counters for one fake; `started()`/`finished()` bracket each provider request."""

    def __init__(self, recent_limit: int) -> None:
        self._lock = threading.Lock()
        self._recent: deque[RecordedCall] = deque(maxlen=recent_limit)
        self._clear()

    def _clear(self) -> None:
        self.requests = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self._by_status: Counter[str] = Counter()
        self._by_fault: Counter[str] = Counter()
        self._by_model: Counter[str] = Counter()
        self._recent.clear()

    def started(self) -> int:
        """Count a request as arrived and in flight; returns its sequence number."""
        with self._lock:
            self.requests += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            return self.requests

    def finished(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def record(self, call: RecordedCall) -> None:
        with self._lock:
            self._by_status[str(call.status) if call.status else "no_response"] += 1
            self._by_fault[call.fault] += 1
            if call.model is not None:
                self._by_model[call.model] += 1
            if self._recent.maxlen:
                self._recent.append(call)

    def reset(self, recent_limit: int | None = None) -> None:
        """Zero everything but the requests still in flight (they will finish and decrement)."""
        with self._lock:
            in_flight = self.in_flight
            if recent_limit is not None and recent_limit != self._recent.maxlen:
                self._recent = deque(maxlen=recent_limit)
            self._clear()
            self.in_flight = in_flight
            self.max_in_flight = in_flight

    def snapshot(self, bodies: int | None = None) -> dict[str, Any]:
        """A JSON-ready copy; `bodies` limits how many recent requests (newest last) are included."""
        with self._lock:
            recent = list(self._recent)
            if bodies is not None:
                recent = recent[-bodies:] if bodies > 0 else []
            return {
                "requests": self.requests,
                "in_flight": self.in_flight,
                "max_in_flight": self.max_in_flight,
                "by_status": dict(self._by_status),
                "by_fault": dict(self._by_fault),
                "by_model": dict(self._by_model),
                "recent": [call.as_json() for call in recent],
            }
