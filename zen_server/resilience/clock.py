"""Injectable time for resilience policy: a clock, a sleep, a random source.

Every policy in this package takes these as constructor arguments (defaulting to the real
monotonic clock, ``asyncio.sleep`` and ``random.random``) so unit and property tests drive
time by hand and never assert on the wall clock. :class:`ManualClock` is that hand.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
RandomSource = Callable[[], float]

monotonic: Clock = time.monotonic
real_random: RandomSource = random.random


async def real_sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


class ManualClock:
    """A clock that only moves when told; its ``sleep`` advances it instead of waiting.

    ``sleep`` still yields to the event loop once, so other tasks interleave as they would.
    """

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)
