"""The toxic interface, the per-connection stub a toxic runs on, and the type registry.

A ``Toxic`` holds a fault's attributes (Toxiproxy's names and units) and an async
``pipe(stub)`` that moves data from ``stub.receive()`` to ``stub.send()``, altering it on
the way. ``pipe`` must return promptly when it receives ``Signal.INTERRUPT`` (the toxic is
being updated or removed), passing on any data it holds so nothing is lost. A toxic ends
its stream with ``stub.close()`` (or ``stub.reset()`` for a TCP RST).

``ToxicWrapper`` is what the API lists: name, type, stream, toxicity and the toxic.
Adding a fault type means adding a module that decorates its class with
``@register_toxic``; nothing else changes.
"""

from __future__ import annotations

import asyncio
import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from harness.proxy.stream import Channel, Chunk, Direction, FlowBudget, Signal


class ToxicStub:
    """One toxic's place in one link: its input, its output and its per-connection state."""

    def __init__(
        self, input: Channel, output: Channel, budget: FlowBudget, on_reset: Callable[[], None]
    ) -> None:
        self.input = input
        self.output = output
        self.state: Any = None  # per-connection state from Toxic.new_state(), kept across updates
        self.closed = False
        self._budget = budget
        self._on_reset = on_reset
        self._interrupted = False
        self._waiter: asyncio.Future[None] | None = None

    async def receive(self) -> Chunk | Signal:
        """The next chunk, ``Signal.END`` when the stream ended, or ``Signal.INTERRUPT``."""
        while True:
            if self._interrupted:
                return Signal.INTERRUPT
            item = self.input.pop()
            if item is not None:
                return item
            await self._park(self.input)

    async def receive_until(self, deadline: float) -> Chunk | Signal | None:
        """Like ``receive``, but None once the loop time reaches ``deadline``."""
        loop = asyncio.get_running_loop()
        elapsed = [False]

        def ring() -> None:
            elapsed[0] = True
            self._wake()

        timer = loop.call_at(deadline, ring)
        try:
            while True:
                if self._interrupted:
                    return Signal.INTERRUPT
                item = self.input.pop()
                if item is not None:
                    return item
                if elapsed[0] or loop.time() >= deadline:
                    return None
                await self._park(self.input)
        finally:
            timer.cancel()

    async def sleep(self, seconds: float) -> bool:
        """Wait; True when the time passed, False when interrupted first."""
        if self._interrupted:
            return False
        if seconds <= 0:
            return True
        elapsed = [False]

        def ring() -> None:
            elapsed[0] = True
            self._wake()

        timer = asyncio.get_running_loop().call_later(seconds, ring)
        try:
            while not elapsed[0]:
                if self._interrupted:
                    return False
                await self._park(None)
            return True
        finally:
            timer.cancel()

    def send(self, chunk: Chunk) -> None:
        if not self.closed:
            self.output.put(chunk)

    def discard(self, nbytes: int) -> None:
        """Tell the link that bytes were dropped on purpose, so its reader may read more."""
        self._budget.release(nbytes)

    def close(self) -> None:
        """End the stream after what was already sent: the destination gets a normal close."""
        if not self.closed:
            self.closed = True
            self.output.put(Signal.END)

    def reset(self) -> None:
        """End the stream with a TCP RST (SO_LINGER 0) instead of a normal close."""
        self._on_reset()
        self.close()

    def interrupt(self) -> None:
        self._interrupted = True
        self._wake()

    def clear_interrupt(self) -> None:
        self._interrupted = False

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def _park(self, channel: Channel | None) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiter = future
        if channel is not None:
            channel.waiter = future
        try:
            await future
        finally:
            self._waiter = None
            if channel is not None and channel.waiter is future:
                channel.waiter = None


@dataclass
class Toxic(ABC):
    """A fault's attributes (dataclass int fields named as in Toxiproxy) and its behaviour."""

    type_name: ClassVar[str]
    go_int_type: ClassVar[str] = "int64"  # the Go type Toxiproxy names in attribute decode errors

    def attributes(self) -> dict[str, int]:
        return {f.name: int(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def attribute_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(self))

    def set_attributes(self, values: dict[str, int]) -> None:
        for name, value in values.items():
            setattr(self, name, value)

    @abstractmethod
    async def pipe(self, stub: ToxicStub) -> None:
        """Move data from stub.receive() to stub.send() until END or INTERRUPT."""

    def new_state(self) -> Any:
        """Per-connection state created when the toxic attaches to a link (None: stateless)."""
        return None

    def cleanup(self, stub: ToxicStub) -> None:
        """Called when the toxic is removed from a live link, before the link is rewired."""
        return None


async def pass_through(stub: ToxicStub) -> None:
    """What a stage runs when its toxic did not apply (toxicity) : data flows unchanged."""
    while True:
        item = await stub.receive()
        if item is Signal.INTERRUPT:
            return
        if item is Signal.END:
            stub.close()
            return
        stub.send(item)


@dataclass
class ToxicWrapper:
    """A toxic as the API shows it: Toxiproxy's ToxicWrapper fields in its JSON order."""

    name: str
    type: str
    stream: str
    toxicity: float
    direction: Direction
    toxic: Toxic

    def to_json(self) -> dict[str, object]:
        toxicity: float | int = int(self.toxicity) if self.toxicity.is_integer() else self.toxicity
        return {
            "attributes": self.toxic.attributes(),
            "name": self.name,
            "type": self.type,
            "stream": self.stream,
            "toxicity": toxicity,  # Go prints float32 1 as "1", not "1.0"
        }


_REGISTRY: dict[str, type[Toxic]] = {}
ToxicT = TypeVar("ToxicT", bound=type[Toxic])


def register_toxic(cls: ToxicT) -> ToxicT:
    """Class decorator: make ``cls`` available under ``cls.type_name``."""
    _REGISTRY[cls.type_name] = cls
    return cls


def new_toxic(type_name: str) -> Toxic | None:
    """A toxic of that type with every attribute 0, or None for an unknown type."""
    cls = _REGISTRY.get(type_name)
    return cls() if cls is not None else None


def toxic_types() -> list[str]:
    return sorted(_REGISTRY)
