"""What a run records, as plain data: calls, samples, fault windows, provider requests.

Times are seconds since the run's start (``t0``), so a record is easy to plot and to cut
into phases. ``RunData`` is everything the hypotheses judge; it is built by the runner and
is pure data, so every hypothesis can be tested on hand-made records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PHASES = ("before", "during", "after")
PhaseName = str  # "before" | "during" | "after" | "run" | "fault"


@dataclass(frozen=True)
class CallRecord:
    """One tool call the load made."""

    worker: int
    tool: str
    kind: str  # an OutcomeKind of harness.mcp_client
    start: float
    latency_s: float
    thread: str | None = None  # the load's own thread key (not the server's id)
    marker: str | None = None  # the unique text the prompt carried
    continued: bool = False
    error: str | None = None
    acknowledged: bool = False  # the answer offered a continuation id: the server stored the turn

    @property
    def ok(self) -> bool:
        return self.kind == "ok"

    @property
    def end(self) -> float:
        return self.start + self.latency_s


@dataclass(frozen=True)
class Sample:
    t: float
    value: float


@dataclass
class FaultWindow:
    """When a fault was active; ``end`` None means it lasted until the rollbacks."""

    key: str
    label: str
    start: float
    end: float | None = None


@dataclass(frozen=True)
class ProviderRequest:
    """A request body a fake provider received (for the conversation integrity check)."""

    provider: str
    body: str
    t: float | None = None  # arrival, seconds since t0 (from the fake's own clock)
    status: int | None = None  # the status the fake answered with (0: no response)


@dataclass(frozen=True)
class ThreadTurn:
    """A turn the load sent on one of its threads, in order, with whether it succeeded."""

    marker: str
    ok: bool
    stored_in: str | None = None  # the continuation id the server offered: the turn is acknowledged
    # The assistant's side of the turn: the fake's reply marker ("digest=<12 hex>") the answer
    # carried, which every later request of the thread must repeat. None when not found.
    reply: str | None = None
    start: float | None = None  # seconds since t0: a turn sees only turns that ended before it began
    end: float | None = None


@dataclass
class RunData:
    """Everything a run produced that a hypothesis may judge."""

    phases: dict[str, tuple[float, float]]
    calls: list[CallRecord] = field(default_factory=list)
    in_flight: list[Sample] = field(default_factory=list)
    rss_mb: list[Sample] = field(default_factory=list)
    windows: list[FaultWindow] = field(default_factory=list)
    provider_requests: list[ProviderRequest] = field(default_factory=list)
    provider_in_flight: dict[str, list[Sample]] = field(default_factory=dict)
    provider_total: dict[str, list[Sample]] = field(default_factory=dict)  # cumulative requests
    provider_bodies_recorded: bool = False
    threads: dict[str, list[ThreadTurn]] = field(default_factory=dict)
    # What the conversation store (the harness's Redis) held at the end: server thread id ->
    # turn records (JSON text). None when the scenario has no Redis.
    store_threads: dict[str, list[str]] | None = None
    store_connections: int | None = None  # connections the redis-server accepted (since its last start)
    actions: list[tuple[float, str, str | None]] = field(default_factory=list)  # (t, what, error)
    end: float = 0.0
    # What the target exposed (harness.chaos.exposure): log, audit, ops:/route, replies.
    exposed: dict[str, str] = field(default_factory=dict)
    wall_t0: float = 0.0  # time.time() at t0: maps the fakes' wall-clock arrivals onto the run's times

    def span(self, phase: PhaseName) -> tuple[float, float]:
        if phase == "run":
            return (0.0, self.end)
        if phase == "fault":
            return (self.fault_start_time(), self.fault_clear_time())
        return self.phases[phase]

    def calls_in(self, phase: PhaseName) -> list[CallRecord]:
        """Calls that started inside the phase; a call started in 'before' that was still
        running when 'during' began met the fault, so it counts for 'during' instead."""
        lo, hi = self.span(phase)
        before_end = self.phases["before"][1]
        picked = [c for c in self.calls if lo <= c.start < hi]
        if phase == "before":
            return [c for c in picked if c.end <= before_end]
        if phase == "during":
            picked += [c for c in self.calls if c.start < before_end < c.end]
        return picked

    def fault_clear_time(self) -> float:
        """When the last fault ended (the end of 'during' when none was recorded)."""
        ends = [w.end for w in self.windows if w.end is not None]
        during_end = self.phases["during"][1]
        return max(ends) if ends else during_end

    def fault_start_time(self) -> float:
        starts = [w.start for w in self.windows]
        return min(starts) if starts else self.phases["during"][0]
