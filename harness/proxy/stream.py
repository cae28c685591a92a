"""The plumbing one direction of a proxied connection flows through.

Owns the units every toxic handles: ``Chunk`` (bytes plus the moment they were read),
``Direction`` (upstream = client to server, downstream = server to client), ``Channel``
(the FIFO between two pipeline stages) and ``FlowBudget`` (how many bytes a link may hold
before it stops reading its source, which is what gives TCP backpressure end to end).
"""

from __future__ import annotations

import asyncio
import enum
from collections import deque
from dataclasses import dataclass
from typing import Literal


@dataclass(slots=True)
class Chunk:
    """Bytes read from a socket; ``timestamp`` is the loop time they were read at."""

    data: bytes
    timestamp: float


class Signal(enum.Enum):
    """Control values a toxic sees instead of data."""

    END = "end"  # the stream ended (EOF upstream of this stage, or a stage closed it)
    INTERRUPT = "interrupt"  # the toxic is being updated or removed: return promptly


Item = Chunk | Literal[Signal.END]


class Direction(enum.IntEnum):
    """Which way data flows; the order is Toxiproxy's (upstream toxics list first)."""

    UPSTREAM = 0
    DOWNSTREAM = 1

    @property
    def label(self) -> str:
        return self.name.lower()


def parse_direction(value: str) -> Direction | None:
    """Toxiproxy accepts the stream name in any letter case."""
    return {"upstream": Direction.UPSTREAM, "downstream": Direction.DOWNSTREAM}.get(value.lower())


class Channel:
    """Unbounded FIFO with a single consumer that parks on ``waiter``.

    Sends never block, so interrupting a stage can never deadlock on a full queue; memory
    is bounded instead by the link's ``FlowBudget``, which stops reading the source socket.
    """

    __slots__ = ("_items", "waiter")

    def __init__(self) -> None:
        self._items: deque[Item] = deque()
        self.waiter: asyncio.Future[None] | None = None

    def put(self, item: Item) -> None:
        self._items.append(item)
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    def pop(self) -> Item | None:
        """The oldest item, or None when empty."""
        return self._items.popleft() if self._items else None

    def __len__(self) -> int:
        return len(self._items)


class FlowBudget:
    """Bytes a link has read but not yet written or dropped.

    The reader waits for room before each read; the writer and dropping toxics release.
    """

    def __init__(self, high_water: int) -> None:
        self.high_water = high_water
        self.in_flight = 0
        self._room: asyncio.Future[None] | None = None

    def acquire(self, nbytes: int) -> None:
        self.in_flight += nbytes

    def release(self, nbytes: int) -> None:
        self.in_flight = max(0, self.in_flight - nbytes)
        if self.in_flight < self.high_water and self._room is not None and not self._room.done():
            self._room.set_result(None)

    async def wait_for_room(self) -> None:
        while self.in_flight >= self.high_water:
            self._room = asyncio.get_running_loop().create_future()
            try:
                await self._room
            finally:
                self._room = None
