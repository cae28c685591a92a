"""File I/O on its own bounded thread pool, each job bounded in time by the call's deadline.

Why a pool of its own: ``asyncio.to_thread`` shares the loop's default executor with DNS
resolution for provider connections, so a few reads stuck on a hung filesystem would stall
every provider call. Here:

* ``threads`` threads at most read files; jobs beyond that queue in the executor;
* a job's timeout is ``min(read_timeout_s, time left before the call's deadline)``; past it
  the caller gets a FileAccessError, a job still queued is cancelled, and a job already
  running finishes (or stays stuck) on its own thread;
* when every thread is held by a job older than the read timeout (stuck: a hung mount),
  new jobs fail at once with a message saying so, instead of queueing behind them.

The module owns no event loop state, so one pool serves whatever loop calls it.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from zen_server.errors import FileAccessError
from zen_server.resilience.deadline import remaining

T = TypeVar("T")


class FileIoPool:
    """``await pool.run(fn, *args, what="reading x")``: ``fn`` on a file thread, bounded in time."""

    def __init__(
        self, *, threads: int = 4, read_timeout_s: float = 10.0, stuck_after_s: float | None = None
    ) -> None:
        if threads < 1 or read_timeout_s <= 0:
            raise ValueError("a file I/O pool needs at least one thread and a positive timeout")
        self.threads = threads
        self.read_timeout_s = read_timeout_s
        # A job running this long is taken as stuck (default: it already outlived its caller).
        self.stuck_after_s = read_timeout_s if stuck_after_s is None else stuck_after_s
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="zen-file-io")
        self._lock = threading.Lock()
        self._running: dict[int, float] = {}  # job number -> monotonic start
        self._numbers = itertools.count()
        # Threads stuck in a read must not keep the interpreter from exiting.
        weakref.finalize(self, self._executor.shutdown, wait=False, cancel_futures=True)

    @property
    def busy(self) -> int:
        """Threads running a job now (including stuck ones)."""
        with self._lock:
            return len(self._running)

    def timeout_now(self) -> float:
        """How long a job started now may take: the read timeout, or less if the deadline is sooner."""
        return min(self.read_timeout_s, remaining(self.read_timeout_s))

    def all_stuck(self) -> bool:
        """Every thread holds a job running for longer than ``stuck_after_s``."""
        horizon = time.monotonic() - self.stuck_after_s
        with self._lock:
            return len(self._running) >= self.threads and all(t < horizon for t in self._running.values())

    async def run(self, fn: Callable[..., T], *args: object, what: str) -> T:
        if self.all_stuck():
            raise FileAccessError(
                f"{what} was not started: every file reader thread is stuck on an earlier read (a hung "
                "filesystem?); retry later, or send files from another location"
            )
        timeout = self.timeout_now()
        future = self._executor.submit(self._tracked, next(self._numbers), fn, *args)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout)
        except TimeoutError:
            raise FileAccessError(
                f"{what} took longer than {timeout:.1f} s (a slow or hung filesystem, or the call's "
                "deadline); send fewer or smaller files, or retry"
            ) from None

    def _tracked(self, number: int, fn: Callable[..., T], *args: object) -> T:
        with self._lock:
            self._running[number] = time.monotonic()
        try:
            return fn(*args)
        finally:
            with self._lock:
                del self._running[number]

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


__all__ = ["FileIoPool"]
