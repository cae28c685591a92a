"""Sampling a run while it goes: the one RSS reading and the one "every period until done" loop.

Chaos targets, the gates' memory soak and the fuzz run all read a server's resident memory
here, so they agree on what the number is (bytes from psutil, MB = 2**20 bytes, a process
that has gone is left out rather than counted as zero). Their periodic samplers, and the live
console, tick with ``sample_every`` so a slow step shortens the pause instead of drifting.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable, Iterable

import anyio
import psutil

MB = 1024 * 1024


def rss_mb(pids: Iterable[int], *, with_children: bool = False) -> float | None:
    """Summed RSS of ``pids`` (and their descendants when asked), in MB.

    None when no process could be read (none given, or all gone), so a caller never records
    a dead target as a process using no memory.
    """
    total, read = 0, 0
    for pid in pids:
        try:
            process = psutil.Process(pid)
            total += process.memory_info().rss
            if with_children:
                total += sum(_child_rss(child) for child in process.children(recursive=True))
        except psutil.Error:
            continue  # exited between listing and reading: not part of the sum
        read += 1
    return total / MB if read else None


def _child_rss(child: psutil.Process) -> int:
    try:
        return int(child.memory_info().rss)
    except psutil.Error:
        return 0  # a child that exits while we walk the tree holds no memory any more


Step = Callable[[], Awaitable[object] | object]


async def sample_every(period_s: float, step: Step, *, until: Callable[[], bool]) -> None:
    """Run ``step()`` now and then every ``period_s`` seconds until ``until()`` is true.

    ``until`` is checked before each step; the pause after a step is what is left of the
    period, so the cadence holds when a step is slow.
    """
    while not until():
        started = time.monotonic()
        result = step()
        if inspect.isawaitable(result):
            await result
        await anyio.sleep(max(0.0, period_s - (time.monotonic() - started)))


__all__ = ["MB", "rss_mb", "sample_every"]
