"""Resident memory: the one place the server reads its RSS, and the sampler that reports it.

Owns :func:`process_rss_bytes` (the memory guard reads through it too) and
:class:`RssSampler`, a background loop reporting the ``process_rss_bytes`` gauge, so the
figure is live even where no guard runs (tests, the ops listener alone).
"""

from __future__ import annotations

import psutil

from zen_server.background import BackgroundLoop
from zen_server.observability.events import Observer

_PROCESS = psutil.Process()


def process_rss_bytes() -> int:
    """This process's resident set size in bytes (one syscall-backed read)."""
    return int(_PROCESS.memory_info().rss)


class RssSampler:
    def __init__(self, observer: Observer, *, interval_s: float = 2.0) -> None:
        self._observer = observer
        self._loop = BackgroundLoop("zen-rss", self.sample, interval_s)

    def sample(self) -> int:
        """Read RSS now, report it, and return it in bytes."""
        rss = process_rss_bytes()
        self._observer.set_gauge("process_rss_bytes", float(rss))
        return rss

    def start(self) -> None:
        """Start sampling on the running loop; a second call does nothing."""
        self._loop.start()

    async def aclose(self) -> None:
        await self._loop.aclose()


__all__ = ["RssSampler", "process_rss_bytes"]
