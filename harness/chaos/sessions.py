"""Long-lived MCP sessions for the load: each slot keeps one session open and reconnects.

A slot is a task that owns its ``McpClient.connect`` context (the SDK's task groups must
be entered and left by the same task) while load workers call through it from their own
tasks. When the session breaks (server killed, connection reset) the slot reconnects with
a short back-off, so calls fail fast while the server is down and work again once it is
back. For a stdio target each slot is a server process of its own; ``hold()`` keeps slots
from respawning it while the server is meant to be dead.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import anyio

from harness.mcp_client import CallOutcome, Endpoint, McpClient

RECONNECT_PAUSE_S = 0.2  # short, so recovery is measured, not hidden by the harness


class SessionSlot:
    """One MCP session that reconnects until ``stop``; calls fail fast while disconnected."""

    def __init__(
        self, endpoint: Callable[[], Endpoint], *, init_timeout_s: float, session_wait_s: float = 0.0
    ) -> None:
        self._endpoint = endpoint
        self._init_timeout_s = init_timeout_s
        self._session_wait_s = session_wait_s
        self._client: McpClient | None = None
        self._wake = anyio.Event()
        self._stopped = False
        self._held = False
        self._up = anyio.Event()
        self.connects = 0
        self.last_error: str | None = None

    @property
    def pid(self) -> int | None:
        return self._client.pid if self._client is not None else None

    @property
    def connected(self) -> bool:
        return self._client is not None

    async def run(self) -> None:
        """The slot's task: connect, wait until broken or stopped, repeat."""
        while not self._stopped:
            if self._held:
                await anyio.sleep(0.05)
                continue
            self._wake = anyio.Event()
            try:
                async with McpClient.connect(self._endpoint(), init_timeout_s=self._init_timeout_s) as client:
                    self._client = client
                    self.connects += 1
                    self._up.set()
                    await self._wake.wait()
            except Exception as exc:  # any transport failure: reconnect below
                self.last_error = f"{type(exc).__name__}: {exc}"
            finally:
                self._client = None
                if self._up.is_set():
                    self._up = anyio.Event()
            if not self._stopped:
                await anyio.sleep(RECONNECT_PAUSE_S)

    def mark_broken(self) -> None:
        self._wake.set()

    def hold(self, held: bool) -> None:
        """While held, the slot does not reconnect (its server is meant to be down)."""
        self._held = held
        if held:
            self._wake.set()

    def stop(self) -> None:
        self._stopped = True
        self._wake.set()

    async def wait_connected(self, timeout_s: float) -> bool:
        with anyio.move_on_after(timeout_s):
            await self._up.wait()
            return True
        return False

    async def call(
        self, tool: str, arguments: Mapping[str, Any], *, timeout_s: float, retry_if_session_gone: bool = True
    ) -> CallOutcome:
        client = self._client
        if client is None and self._session_wait_s > 0 and not self._held:
            await self.wait_connected(self._session_wait_s)
            client = self._client
        if client is None:
            # Down: answer at once, but not in a tight loop (workers would spin).
            await anyio.sleep(0.05)
            now = time.monotonic()
            return CallOutcome(tool, "transport_error", now, 0.0, error=self.last_error or "not connected")
        outcome = await client.call(tool, arguments, timeout_s=timeout_s)
        if outcome.kind == "transport_error":
            self.mark_broken()
            if outcome.session_gone and retry_if_session_gone:
                return await self._again_on_a_new_session(outcome, tool, arguments, timeout_s)
        return outcome

    async def _again_on_a_new_session(
        self, gone: CallOutcome, tool: str, arguments: Mapping[str, Any], timeout_s: float
    ) -> CallOutcome:
        """What a spec-following client does on 404: open a new session, send the request again.

        Safe because a 404 means the server never ran it. Done once; the outcome keeps the
        original start, so the time spent re-initialising counts in the call's latency.
        """
        connects = self.connects
        deadline = time.monotonic() + min(timeout_s, self._init_timeout_s)
        while self.connects == connects or self._client is None:
            if time.monotonic() > deadline or self._stopped:
                return gone
            await anyio.sleep(0.02)
        again = await self.call(tool, arguments, timeout_s=timeout_s, retry_if_session_gone=False)
        return replace(again, started=gone.started, latency_s=again.started + again.latency_s - gone.started)


class SessionPool:
    """A fixed set of slots run in a task group the caller owns."""

    def __init__(
        self,
        endpoint: Callable[[], Endpoint],
        size: int,
        *,
        init_timeout_s: float,
        session_wait_s: float = 0.0,
    ) -> None:
        self.slots = [
            SessionSlot(endpoint, init_timeout_s=init_timeout_s, session_wait_s=session_wait_s)
            for _ in range(size)
        ]

    def start(self, group: anyio.abc.TaskGroup) -> None:
        for slot in self.slots:
            group.start_soon(slot.run)

    async def wait_connected(self, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        for slot in self.slots:
            if not await slot.wait_connected(max(0.0, deadline - time.monotonic())):
                return False
        return True

    def slot_for(self, worker: int) -> SessionSlot:
        return self.slots[worker % len(self.slots)]

    def pids(self) -> list[int]:
        return [pid for slot in self.slots if (pid := slot.pid) is not None]

    def hold(self, held: bool) -> None:
        for slot in self.slots:
            slot.hold(held)

    def stop(self) -> None:
        for slot in self.slots:
            slot.stop()
