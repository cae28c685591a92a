"""The live picture behind the dashboard: a rolling window of recent calls and current levels.

Owns :class:`LiveState`, an Observer that keeps the last ``window_s`` seconds of tool
calls (bounded in count too), the calls still in flight, the latest gauges, breaker states
and recent notable events, and computes the dashboard's figures from them: p50/p95/p99
latency, error rate, throughput, which of the plan's targets are breached, and which
calls are stuck. Prometheus histograms cannot give a true recent percentile, so the
dashboard reads this window instead.

A hang finishes no calls, so the finished-call figures look calm during one; stuck calls
are what show it: calls in flight longer than expected, where expected is twice the
window's p95, and never less than the p95 target.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from zen_server.observability.events import (
    BreakerTransition,
    DeploymentAttempt,
    Event,
    FallbackTaken,
    RequestRejected,
    SystemEvent,
    ThreadsEvicted,
    ToolCallFinished,
    ToolCallStarted,
)

# The plan's targets: p95 under 2 s and fewer than 1% of calls failing.
P95_TARGET_S = 2.0
ERROR_RATE_TARGET = 0.01
# Outcomes that count as errors; rejections are shed load and are reported apart.
ERROR_OUTCOMES = frozenset({"error", "deadline"})
STUCK_FACTOR = 2.0  # in flight longer than this many window p95s (and the target) is stuck
MAX_OPEN_CALLS = 10_000  # bound on calls tracked in flight, even if a finish were lost
_BREAKER_STATE_NAMES = {0: "closed", 1: "half_open", 2: "open"}
_DEPLOYMENT_GAUGES = {
    "deployment_in_flight": "in_flight",
    "deployment_ewma_latency_seconds": "ewma_latency_s",
}


@dataclass(frozen=True, slots=True)
class _Call:
    at: float
    tool: str
    outcome: str
    duration_s: float


def percentile(sorted_values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (``q`` in 0..100) of already sorted values; None when empty."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(q / 100.0 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


class LiveState:
    """Observer keeping the recent window; ``snapshot()`` is what ``/dashboard/data`` serves."""

    def __init__(
        self,
        *,
        window_s: float = 60.0,
        max_calls: int = 20_000,
        max_events: int = 30,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.window_s = window_s
        self._clock = clock
        self._wall = wall_clock
        self._calls: deque[_Call] = deque(maxlen=max_calls)  # bounded even under a flood
        self._events: deque[dict[str, object]] = deque(maxlen=max_events)
        self._gauges: dict[str, float] = {}
        self._breakers: dict[str, dict[str, object]] = {}
        # ZEN_DEPLOYMENTS: one entry per deployment of the file (bounded by it).
        self._deployments: dict[str, dict[str, Any]] = {}
        self._totals = {"calls": 0, "errors": 0, "rejected": 0}
        self._open: dict[str, tuple[str, float]] = {}  # request id -> (tool, started)
        # The ops listener may read from another thread than the one emitting.
        self._lock = threading.Lock()

    # --- Observer ----------------------------------------------------------------------
    def emit(self, event: Event) -> None:
        if isinstance(event, ToolCallStarted):
            with self._lock:
                if len(self._open) < MAX_OPEN_CALLS:
                    self._open[event.request_id] = (event.tool, self._clock())
            return
        if isinstance(event, ToolCallFinished):
            call = _Call(self._clock(), event.tool, event.outcome, event.duration_s)
            with self._lock:
                self._open.pop(event.request_id, None)
                self._calls.append(call)
                self._totals["calls"] += 1
                if event.outcome in ERROR_OUTCOMES:
                    self._totals["errors"] += 1
            return
        if isinstance(event, DeploymentAttempt):
            with self._lock:
                entry = self._deployment(event.deployment, event.region)
                entry["requests"] += 1
                entry["failures"] += event.status != "ok"
                entry["ejections"] += event.ejected_for_s is not None
            if event.ejected_for_s is not None:
                self._note("ejection", f"deployment {event.deployment} ejected for {event.ejected_for_s:g} s")
            return
        if isinstance(event, BreakerTransition):
            with self._lock:
                self._breakers[event.key] = {"state": event.to_state, "since": self._wall()}
            self._note(
                "breaker", f"breaker {event.key}: {event.from_state} -> {event.to_state} ({event.reason})"
            )
        elif isinstance(event, RequestRejected):
            with self._lock:
                self._totals["rejected"] += 1
            self._note("rejection", f"rejected {event.tool or 'call'}: {event.reason}")
        elif isinstance(event, ThreadsEvicted):
            self._note("eviction", f"evicted {event.count} thread(s): {event.reason}")
        elif isinstance(event, FallbackTaken):
            self._note("fallback", f"fallback {event.from_provider} -> {event.to_provider} ({event.reason})")
        elif isinstance(event, SystemEvent):
            self._note("system", event.kind)

    def set_gauge(self, name: str, value: float, **labels: str) -> None:
        with self._lock:
            if name == "breaker_state" and "key" in labels:
                state = _BREAKER_STATE_NAMES.get(int(value), "unknown")
                known = self._breakers.get(labels["key"])
                if known is None or known["state"] != state:
                    self._breakers[labels["key"]] = {"state": state, "since": self._wall()}
            elif name in _DEPLOYMENT_GAUGES and "deployment" in labels:
                entry = self._deployment(labels["deployment"], labels.get("region", ""))
                entry[_DEPLOYMENT_GAUGES[name]] = value
            elif not labels:
                self._gauges[name] = value

    def _deployment(self, name: str, region: str) -> dict[str, Any]:
        """The entry of one deployment (the lock held by the caller)."""
        found = self._deployments.get(name)
        if found is None:
            found = self._deployments[name] = {
                "deployment": name,
                "region": region,
                "requests": 0,
                "failures": 0,
                "ejections": 0,
                "in_flight": 0.0,
                "ewma_latency_s": None,
            }
        return found

    def _note(self, kind: str, text: str) -> None:
        with self._lock:
            last = self._events[-1] if self._events else None
            # A repeat (fallback after fallback in an outage) is counted, so it cannot push
            # the rarer events, such as the breaker opening, off the list.
            if last is not None and last["text"] == text:
                last["at"] = self._wall()
                last["count"] = int(str(last["count"])) + 1
            else:
                self._events.append({"at": self._wall(), "kind": kind, "text": text, "count": 1})

    # --- figures -----------------------------------------------------------------------
    def snapshot(self) -> dict[str, object]:
        """Figures over the window, JSON-ready; see docs/observability.md for the fields."""
        now = self._clock()
        horizon = now - self.window_s
        with self._lock:
            while self._calls and self._calls[0].at < horizon:
                self._calls.popleft()  # drop expired calls so memory follows the window
            calls = list(self._calls)
            gauges = dict(self._gauges)
            breakers = {k: dict(v) for k, v in self._breakers.items()}
            deployments = sorted((dict(v) for v in self._deployments.values()), key=_by_region)
            events = [dict(e) for e in self._events]
            totals = dict(self._totals)
            open_calls = list(self._open.values())
        durations = sorted(c.duration_s for c in calls)
        errors = sum(1 for c in calls if c.outcome in ERROR_OUTCOMES)
        rejected = sum(1 for c in calls if c.outcome == "rejected")
        error_rate = errors / len(calls) if calls else 0.0
        # Before the window has filled, divide by the time actually covered.
        span = min(self.window_s, max(1.0, now - calls[0].at)) if calls else self.window_s
        latency = {f"p{q}": percentile(durations, q) for q in (50, 95, 99)}
        stuck = stuck_calls(open_calls, now, latency["p95"])
        return {
            "window_s": self.window_s,
            "calls": len(calls),
            "calls_per_s": len(calls) / span,
            "errors": errors,
            "rejected": rejected,
            "error_rate": error_rate,
            "latency_s": latency,
            "by_tool": _by_tool(calls),
            "in_flight": gauges.get("in_flight", 0.0),
            "queued": gauges.get("queued", 0.0),
            "rss_bytes": gauges.get("process_rss_bytes"),
            "store_threads": gauges.get("store_threads"),
            "store_bytes": gauges.get("store_bytes"),
            "store_breaker_state": gauges.get("store_breaker_state"),  # None: in-memory store
            "event_loop_lag_s": gauges.get("event_loop_lag_seconds"),
            "breakers": [{"key": k, **v} for k, v in sorted(breakers.items())],
            "deployments": deployments,
            "recent_events": list(reversed(events)),
            "totals": totals,
            "targets": {"p95_s": P95_TARGET_S, "error_rate": ERROR_RATE_TARGET},
            "breaches": breaches(latency["p95"], error_rate, len(calls)),
            "stuck": stuck.as_json(),
            "warnings": stuck.warnings(),
        }


def _by_region(entry: dict[str, Any]) -> tuple[str, str]:
    return (str(entry["region"]), str(entry["deployment"]))


def stuck_after_s(p95_s: float | None) -> float:
    """How long a call may be in flight before it counts as stuck."""
    return max(P95_TARGET_S, STUCK_FACTOR * (p95_s or 0.0))


@dataclass(frozen=True, slots=True)
class StuckCalls:
    """Calls in flight past their expected time: how many, after how long, the oldest."""

    calls: int
    after_s: float
    oldest_s: float | None = None
    oldest_tool: str | None = None

    def as_json(self) -> dict[str, object]:
        return {"calls": self.calls, "after_s": self.after_s, "oldest_s": self.oldest_s,
                "oldest_tool": self.oldest_tool}  # fmt: skip

    def warnings(self) -> list[str]:
        """A sentence for the dashboard's amber banner when calls are stuck, else nothing."""
        if not self.calls:
            return []
        return [
            f"{self.calls} call(s) in flight for over {self.after_s:g} s without an answer "
            f"(oldest: {self.oldest_tool}, {self.oldest_s or 0:.0f} s): a provider may be hanging"
        ]


def stuck_calls(open_calls: Sequence[tuple[str, float]], now: float, p95_s: float | None) -> StuckCalls:
    limit = stuck_after_s(p95_s)
    late = sorted(
        ((now - started, tool) for tool, started in open_calls if now - started > limit), reverse=True
    )
    if not late:
        return StuckCalls(0, limit)
    return StuckCalls(len(late), limit, late[0][0], late[0][1])


def breaches(p95_s: float | None, error_rate: float, calls: int) -> list[str]:
    """Human sentences for every target the window breaks; empty when all is well."""
    found: list[str] = []
    if p95_s is not None and p95_s > P95_TARGET_S:
        found.append(f"p95 latency {p95_s:.2f} s is over the {P95_TARGET_S:g} s target")
    if calls and error_rate > ERROR_RATE_TARGET:
        found.append(f"error rate {error_rate:.1%} is over the {ERROR_RATE_TARGET:.0%} target")
    return found


def _by_tool(calls: list[_Call]) -> list[dict[str, object]]:
    groups: dict[str, list[_Call]] = {}
    for call in calls:
        groups.setdefault(call.tool, []).append(call)
    rows: list[dict[str, object]] = []
    for tool, group in sorted(groups.items()):
        durations = sorted(c.duration_s for c in group)
        errors = sum(1 for c in group if c.outcome in ERROR_OUTCOMES)
        rows.append({"tool": tool, "calls": len(group), "errors": errors, "p95_s": percentile(durations, 95)})
    return rows
