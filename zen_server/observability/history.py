"""The dashboard chart's memory, kept by the server: one point a second for 15 minutes.

Owns :class:`ChartHistory` (a bounded ring of points: at most ``seconds / resolution_s``,
whatever the traffic) and :class:`HistorySampler`, the background task adding a point
from the live window every ``resolution_s``. Because the server keeps it, an incident that
happened before the page was opened is on the chart when it opens; the page asks only
for points newer than the last it has (``/dashboard/data?since=<t>``).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from zen_server.background import BackgroundLoop

HISTORY_S = 15 * 60.0
RESOLUTION_S = 1.0


@dataclass(frozen=True, slots=True)
class ChartPoint:
    t: float  # wall clock, seconds since the epoch (the page labels its axis with it)
    p95_s: float | None
    error_rate: float
    calls_per_s: float
    in_flight: float
    stuck: int

    @classmethod
    def from_snapshot(cls, t: float, snapshot: Mapping[str, Any]) -> ChartPoint:
        """The chart's figures out of a ``LiveState.snapshot()``."""
        return cls(
            t=round(t, 3),
            p95_s=snapshot["latency_s"]["p95"],
            error_rate=float(snapshot["error_rate"]),
            calls_per_s=float(snapshot["calls_per_s"]),
            in_flight=float(snapshot["in_flight"]),
            stuck=int(snapshot["stuck"]["calls"]),
        )


class ChartHistory:
    """The last ``seconds`` of points at ``resolution_s``: a ring, so memory never grows."""

    def __init__(self, *, seconds: float = HISTORY_S, resolution_s: float = RESOLUTION_S) -> None:
        self.resolution_s = resolution_s
        self._points: deque[ChartPoint] = deque(maxlen=max(1, int(seconds / resolution_s)))

    @property
    def capacity(self) -> int:
        return self._points.maxlen or 0

    def add(self, point: ChartPoint) -> None:
        self._points.append(point)

    def since(self, t: float | None = None) -> list[dict[str, Any]]:
        """Points newer than ``t`` (all of them when None), oldest first, JSON-ready."""
        return [asdict(p) for p in self._points if t is None or p.t > t]

    def __len__(self) -> int:
        return len(self._points)


class HistorySampler:
    """Adds ``point()`` to the history every ``resolution_s`` on the running loop."""

    def __init__(
        self,
        history: ChartHistory,
        snapshot: Callable[[], Mapping[str, Any]],
        *,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._history = history
        self._snapshot = snapshot
        self._wall = wall_clock
        self._loop = BackgroundLoop("zen-chart-history", self.sample, history.resolution_s)

    def sample(self) -> ChartPoint:
        point = ChartPoint.from_snapshot(self._wall(), self._snapshot())
        self._history.add(point)
        return point

    def start(self) -> None:
        """Start sampling on the running loop; a second call does nothing."""
        self._loop.start()

    async def aclose(self) -> None:
        await self._loop.aclose()
