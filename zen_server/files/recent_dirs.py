"""RecentDirectories: directory checks a tool repeats on every call, remembered for a few seconds.

Every chat call names its working directory, almost always the same one, and checking it
(path rule, stat, is it a directory) runs on the file I/O pool so a hung filesystem cannot
stall the event loop. That hop is the cost, not the stat: under load the event loop waits
for the GIL in ``ThreadPoolExecutor.submit`` (py-spy, issue 21: a tenth of the server's
samples at 50 calls in flight). A directory check vouches only that the path is an
allowed, existing directory; nothing is read through it, and every file read re-applies
the rule itself, so remembering a passed check for ``ttl_s`` changes no file decision.
A failed check is never remembered. Bounded to ``max_entries`` (oldest forgotten first).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

DEFAULT_TTL_S = 5.0
DEFAULT_MAX_ENTRIES = 256


class RecentDirectories:
    """(raw path, field) -> resolved directory, for ``ttl_s`` after a check passed."""

    def __init__(
        self,
        *,
        ttl_s: float = DEFAULT_TTL_S,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl_s = ttl_s
        self._max_entries = max(1, max_entries)
        self._clock = clock
        self._passed: OrderedDict[tuple[str, str], tuple[Path, float]] = OrderedDict()

    def get(self, raw: str, field: str) -> Path | None:
        entry = self._passed.get((raw, field))
        if entry is None:
            return None
        resolved, expires_at = entry
        if expires_at <= self._clock():
            del self._passed[(raw, field)]
            return None
        return resolved

    def remember(self, raw: str, field: str, resolved: Path) -> None:
        self._passed[(raw, field)] = (resolved, self._clock() + self._ttl_s)
        self._passed.move_to_end((raw, field))
        while len(self._passed) > self._max_entries:
            self._passed.popitem(last=False)

    def __len__(self) -> int:
        return len(self._passed)


__all__ = ["RecentDirectories"]
