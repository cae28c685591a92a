"""The one Observer the server is built with: metrics, audit, live state and logs together.

Owns :class:`ObservabilityHub`. The composition root builds one per process from the
settings, hands it to every component as their ``observer``, mounts ``ops_routes(hub,
readiness)``, and calls ``start()`` / ``aclose()`` around the server's life.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import TextIO

from prometheus_client import CollectorRegistry, Counter

from zen_server.config import Settings
from zen_server.observability.audit import AuditLog
from zen_server.observability.cache_metrics import WatchedCache, cache_rows, watch_caches
from zen_server.observability.events import Event, Observer
from zen_server.observability.history import ChartHistory, HistorySampler
from zen_server.observability.live_state import LiveState
from zen_server.observability.logs import LogObserver, configure_logging
from zen_server.observability.loop_lag import LoopLagMonitor
from zen_server.observability.metrics import PrometheusObserver
from zen_server.observability.redaction import Redactor
from zen_server.observability.rss import RssSampler

_log = logging.getLogger("zen_server.observability")


class ObservabilityHub:
    """Fans each event out to Prometheus, the audit log (when ZEN_AUDIT_LOG is set), the
    dashboard's live window and the server log. ``emit`` never raises and never blocks.

    ``registry`` defaults to a fresh per-hub registry so two hubs in one process (tests,
    several apps) never share series.
    """

    def __init__(
        self,
        settings: Settings,
        registry: CollectorRegistry | None = None,
        *,
        window_s: float = 60.0,
        process_metrics: bool = True,
        log_events: bool = True,
    ) -> None:
        self.settings = settings
        self.redactor = Redactor(settings.secrets())
        self.metrics = PrometheusObserver(registry, process_metrics=process_metrics)
        self.live = LiveState(window_s=window_s)
        self._audit_dropped = Counter(
            "zen_audit_lines_dropped_total",
            "Audit lines lost because the writer could not keep up.",
            registry=self.metrics.registry,
        )
        self.audit: AuditLog | None = None
        if settings.zen_audit_log is not None:
            self.audit = AuditLog(
                settings.zen_audit_log,
                self.redactor,
                max_bytes=settings.zen_audit_max_bytes,
                backups=settings.zen_audit_backups,
                on_drop=self._audit_dropped.inc,
            )
        observers: list[Observer] = [self.metrics, self.live]
        if self.audit is not None:
            observers.append(self.audit)
        if log_events:
            observers.append(LogObserver())
        self._observers = tuple(observers)
        self._loop_lag = LoopLagMonitor(self)
        self._rss = RssSampler(self)
        self.history = ChartHistory()
        self._history = HistorySampler(self.history, self.live.snapshot)
        self._caches: dict[str, WatchedCache] = {}

    # --- Observer ----------------------------------------------------------------------
    # A plain try/except loop rather than FanOutObserver: same isolation, less per-event cost.
    def emit(self, event: Event) -> None:
        for observer in self._observers:
            try:
                observer.emit(event)
            except Exception:  # observability must never break a call
                _log.debug("observer %s failed", type(observer).__name__, exc_info=True)

    def set_gauge(self, name: str, value: float, **labels: str) -> None:
        for observer in self._observers:
            try:
                observer.set_gauge(name, value, **labels)
            except Exception:
                _log.debug("observer %s failed on gauge %s", type(observer).__name__, name, exc_info=True)

    # --- lifecycle ---------------------------------------------------------------------
    def install_logging(self, stream: TextIO | None = None) -> None:
        """Send server logs to stderr (or ``stream``) as redacted JSON; call once at start-up."""
        configure_logging(self.redactor, level=self.settings.log_level, stream=stream)

    async def start(self) -> None:
        """Start the loop-lag, RSS and chart-history samplers on the running loop."""
        self._rss.sample()
        self._loop_lag.start()
        self._rss.start()
        self._history.start()

    async def aclose(self) -> None:
        """Stop the samplers and write out the audit log; call after the shutdown event."""
        await self._loop_lag.aclose()
        await self._rss.aclose()
        await self._history.aclose()
        if self.audit is not None:
            # Joining the writer thread may wait on the disk: keep it off the loop.
            await asyncio.to_thread(self.audit.close)

    # --- views -------------------------------------------------------------------------
    def exposition(self) -> tuple[bytes, str]:
        """``/metrics`` body and content type."""
        return self.metrics.exposition()

    def watch_caches(self, caches: Mapping[str, WatchedCache]) -> None:
        """Show these caches in /metrics (``zen_cache_*``) and on the dashboard."""
        self._caches = dict(caches)
        watch_caches(self.metrics.registry, self._caches)

    def snapshot(self) -> dict[str, object]:
        """The dashboard's figures over the recent window, and the caches since start."""
        return self.live.snapshot() | {"caches": cache_rows(self._caches)}
