"""One direction of one proxied connection: source socket -> toxic stages -> destination.

A ``ToxicLink`` reads its source into a ``Channel``, runs one task per toxic in the
proxy's chain for its direction (each on its own ``ToxicStub``), and writes what comes out
to its destination. Toxics added, updated or removed while the connection is open take
effect on it: an added toxic is spliced in at the end, an updated one is interrupted and
restarted (toxicity is drawn again), a removed one is interrupted, its queued data is
passed on, and the chain is rewired around it.

When its stream ends the link closes the destination (with RST if a toxic asked for a
reset); the peer link of the same connection then sees end of stream on its source.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import socket
import struct
from collections.abc import Callable, Coroutine
from typing import Any

from harness.proxy.stream import Channel, Chunk, Direction, FlowBudget, Signal
from harness.proxy.toxics.base import ToxicStub, ToxicWrapper, pass_through

_LOG = logging.getLogger(__name__)
READ_SIZE = 32 * 1024  # the copy buffer size Toxiproxy's io.Copy uses
HIGH_WATER = 4 * 1024 * 1024  # bytes a link holds before it stops reading its source
CLOSE_GRACE_SECONDS = 5.0  # how long a normal close may wait to flush before aborting


class _Stage:
    """A toxic running on one stub; restartable after an interrupt."""

    def __init__(self, wrapper: ToxicWrapper, stub: ToxicStub) -> None:
        self.wrapper = wrapper
        self.stub = stub
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        # Toxicity is drawn each time the toxic (re)attaches: per connection, as in Toxiproxy.
        applies = random.random() < self.wrapper.toxicity
        pipe = self.wrapper.toxic.pipe(self.stub) if applies else pass_through(self.stub)
        self.task = asyncio.get_running_loop().create_task(self._run(pipe))

    async def _run(self, pipe: Coroutine[Any, Any, None]) -> None:
        try:
            await pipe
        except asyncio.CancelledError:
            raise
        except Exception:
            _LOG.exception("toxic %s failed; closing its stream", self.wrapper.name)
            self.stub.close()

    async def interrupt(self) -> bool:
        """Stop the toxic at a safe point; False if it had already finished (stream closed)."""
        if self.task is None or self.task.done():
            return False
        self.stub.interrupt()
        # asyncio.wait, not await: cancelling the API request must not cancel the stage.
        await asyncio.wait({self.task})
        self.stub.clear_interrupt()
        return True


class ToxicLink:
    """Pipes ``source`` to ``dest`` through the toxics of one direction."""

    def __init__(
        self,
        direction: Direction,
        chain: list[ToxicWrapper],
        source: asyncio.StreamReader,
        dest: asyncio.StreamWriter,
        peer_socket: Callable[[], socket.socket | None],
    ) -> None:
        self.direction = direction
        self._source = source
        self._dest = dest
        self._peer_socket = peer_socket
        self._budget = FlowBudget(HIGH_WATER)
        self._exit = Channel()
        self._first = self._exit
        self._stages: list[_Stage] = []
        self._reset = False
        self._tasks: list[asyncio.Task[None]] = []
        self.done = asyncio.get_running_loop().create_future()
        for wrapper in chain:
            self._append(wrapper)

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        for stage in self._stages:
            stage.start()
        self._tasks = [loop.create_task(self._read()), loop.create_task(self._write())]

    # -- live changes ---------------------------------------------------------------

    def add_toxic(self, wrapper: ToxicWrapper) -> None:
        stage = self._append(wrapper)
        if self._tasks:
            stage.start()

    async def update_toxic(self, wrapper: ToxicWrapper) -> None:
        stage = self._find(wrapper)
        if stage is not None and await stage.interrupt():
            stage.start()

    async def remove_toxic(self, wrapper: ToxicWrapper) -> None:
        stage = self._find(wrapper)
        if stage is None:
            return
        if not await stage.interrupt():
            self._unlink(stage)  # already finished: its END is downstream, the link is ending
            return
        wrapper.toxic.cleanup(stage.stub)
        if not stage.stub.closed:
            # What the toxic had not taken yet still belongs to the stream: pass it on.
            while (item := stage.stub.input.pop()) is not None:
                stage.stub.output.put(item)
        self._unlink(stage)

    def abort(self) -> None:
        """Cut the link now: cancel its tasks and drop the destination without flushing."""
        for task in self._tasks:
            task.cancel()
        for stage in self._stages:
            if stage.task is not None:
                stage.task.cancel()
        self._dest.transport.abort()
        if not self.done.done():
            self.done.set_result(None)

    # -- internals ------------------------------------------------------------------

    def _append(self, wrapper: ToxicWrapper) -> _Stage:
        channel = Channel()
        if self._stages:
            self._stages[-1].stub.output = channel
        else:
            self._first = channel
        stub = ToxicStub(channel, self._exit, self._budget, self._request_reset)
        stub.state = wrapper.toxic.new_state()
        stage = _Stage(wrapper, stub)
        self._stages.append(stage)
        return stage

    def _find(self, wrapper: ToxicWrapper) -> _Stage | None:
        return next((stage for stage in self._stages if stage.wrapper is wrapper), None)

    def _unlink(self, stage: _Stage) -> None:
        index = self._stages.index(stage)
        output = stage.stub.output
        if index == 0:
            self._first = output
        else:
            self._stages[index - 1].stub.output = output
        del self._stages[index]

    def _request_reset(self) -> None:
        self._reset = True

    async def _read(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                await self._budget.wait_for_room()
                data = await self._source.read(READ_SIZE)
                if not data:
                    break
                self._budget.acquire(len(data))
                self._first.put(Chunk(data, loop.time()))
        except (ConnectionError, OSError):
            pass  # a reset source ends the stream like EOF does
        finally:
            self._first.put(Signal.END)

    async def _write(self) -> None:
        try:
            while True:
                item = self._exit.pop()
                if item is None:
                    waiter = asyncio.get_running_loop().create_future()
                    self._exit.waiter = waiter
                    await waiter
                    continue
                if item is Signal.END:
                    break
                self._dest.write(item.data)
                self._budget.release(len(item.data))
                await self._dest.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            for stage in self._stages:
                if stage.task is not None:
                    stage.task.cancel()
            self._tasks[0].cancel()
        await self._close_dest()
        if not self.done.done():
            self.done.set_result(None)

    async def _close_dest(self) -> None:
        if self._reset:
            # SO_LINGER 0 makes close() send RST: the peer sees "connection reset by peer".
            linger = struct.pack("ii", 1, 0)
            for sock in (self._dest.get_extra_info("socket"), self._peer_socket()):
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
            self._dest.transport.abort()
            return
        self._dest.close()
        try:
            await asyncio.wait_for(self._dest.wait_closed(), CLOSE_GRACE_SECONDS)
        except (TimeoutError, ConnectionError, OSError):
            self._dest.transport.abort()
