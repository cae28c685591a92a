"""HTTP sessions no client can hoard: a cap per client, eviction of the oldest idle, short lives unused.

The SDK's session manager keeps every session (about 39 KB each) until it idles out after
30 minutes and answers 503 to everyone once 10,000 are open, so one client could lock all
others out for half an hour. This ASGI middleware sits in front of it on /mcp and keeps
its own book of sessions (who opened them, when last used, requests in flight):

* a client (its peer address) holds at most ``per_client`` sessions: opening one more
  closes that client's oldest idle session first;
* at ``max_sessions`` in all, the oldest idle session of the client holding the most is
  closed to make room, so a newcomer is admitted and the heaviest client pays; only when
  every session has a request in flight is a new one refused (503 with Retry-After);
* a session that never sends a second request is closed after ``unused_s``; any session
  with nothing in flight for ``idle_s`` is closed (an open GET stream counts as in flight).

Only a request that can open a session counts as opening one: an ``initialize`` on a
handshake-era protocol version. Calls on the stateless protocol (a version header outside
the handshake era) and any other request without a session id open nothing in the SDK, so
they pass through uncounted; counting them would refuse a client's concurrent calls.

"Oldest idle" prefers sessions that were never used, then the least recently used.
Sessions are closed the way a client would close them: a DELETE with the session id,
sent to the SDK's app, so the SDK frees everything it holds for the session.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zen_server.mcp.http_timeouts import replay_body

logger = logging.getLogger(__name__)

SESSION_HEADER = "mcp-session-id"
PROTOCOL_VERSION_HEADER = "mcp-protocol-version"
_RETRY_AFTER_S = 5


@dataclass(slots=True)
class SessionRecord:
    session_id: str
    client: str
    opened: float
    last_seen: float
    requests: int = 1  # the initialize that opened it
    in_flight: int = 0
    posts_in_flight: int = 0  # requests whose answer is still being written (GET streams excluded)

    @property
    def used(self) -> bool:
        return self.requests > 1

    def eviction_rank(self) -> tuple[bool, float]:
        return (self.used, self.last_seen)


def opens_session(scope: Scope, body: bytes) -> bool:
    """True for an ``initialize`` on a handshake-era version: the only request the SDK opens a session for."""
    version = Headers(scope=scope).get(PROTOCOL_VERSION_HEADER)
    if version is not None and version not in HANDSHAKE_PROTOCOL_VERSIONS:
        return False  # the stateless protocol: the SDK serves it without a session
    try:
        frame = json.loads(body)
    except ValueError:
        return False
    frames = frame if isinstance(frame, list) else [frame]
    return any(isinstance(f, dict) and f.get("method") == "initialize" for f in frames)


async def buffered_body(receive: Receive) -> tuple[bytes, Receive]:
    """Read the whole body (BodyReadGuard has already bounded it) and a receive that replays it."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks), replay_body(b"".join(chunks), receive)


def client_of(scope: Scope) -> str:
    """The peer address: all the identity a shared bearer token leaves to tell clients apart."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class SessionLimiter:
    """Per-client caps, eviction instead of refusal, and short lives for unused sessions."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        path: str,
        max_sessions: int,
        per_client: int,
        unused_s: float,
        idle_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._app = app
        self._path = path
        self.max_sessions = max_sessions
        self.per_client = per_client
        self.unused_s = unused_s
        self.idle_s = idle_s
        self._clock = clock
        self.sessions: dict[str, SessionRecord] = {}
        self._admission = asyncio.Lock()
        self._opening: Counter[str] = Counter()  # initialize requests not answered yet, per client
        self._timers: set[asyncio.Task[None]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") != self._path:
            await self._app(scope, receive, send)
            return
        session_id = Headers(scope=scope).get(SESSION_HEADER)
        record = self.sessions.get(session_id) if session_id else None
        if record is not None:
            await self._serve_existing(record, scope, receive, send)
        elif session_id is None and scope["method"] == "POST":
            body, receive = await buffered_body(receive)
            if opens_session(scope, body):
                await self._serve_opening(scope, receive, send)
            else:
                await self._app(scope, receive, send)  # stateless, or refused by the SDK: no session
        else:
            await self._app(scope, receive, send)  # unknown ids: the SDK answers 404

    async def _serve_existing(
        self, record: SessionRecord, scope: Scope, receive: Receive, send: Send
    ) -> None:
        record.requests += 1
        record.in_flight += 1
        posting = scope["method"] == "POST"
        record.posts_in_flight += posting
        record.last_seen = self._clock()
        try:
            await self._app(scope, receive, send)
        finally:
            record.in_flight -= 1
            record.posts_in_flight -= posting
            record.last_seen = self._clock()
            if scope["method"] == "DELETE":
                self.sessions.pop(record.session_id, None)

    async def _serve_opening(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = client_of(scope)
        async with self._admission:
            room = await self._make_room(client)
            if room:
                self._opening[client] += 1
        if not room:
            message = f"all {self.max_sessions} sessions have a request in flight; retry in a few seconds"
            response = JSONResponse(
                {"jsonrpc": "2.0", "id": None, "error": {"code": -32000, "message": message}},
                status_code=503,
                headers={"Retry-After": str(_RETRY_AFTER_S)},
            )
            await response(scope, receive, send)
            return

        async def note_session(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                opened = Headers(raw=message.get("headers", [])).get(SESSION_HEADER)
                if opened:
                    self._register(opened, client)
            await send(message)

        try:
            await self._app(scope, receive, note_session)
        finally:
            self._opening[client] -= 1
            if self._opening[client] <= 0:
                del self._opening[client]

    def _register(self, session_id: str, client: str) -> None:
        now = self._clock()
        self.sessions[session_id] = SessionRecord(session_id, client, opened=now, last_seen=now)
        self._schedule(session_id, self.unused_s)

    async def _make_room(self, client: str) -> bool:
        """Close sessions so that ``client`` may open one; False when nothing idle can go."""
        mine = [r for r in self.sessions.values() if r.client == client]
        while len(mine) + self._opening[client] >= self.per_client:
            victim = self._oldest_idle(mine)
            if victim is None:
                return False
            await self.close(victim, "its client opened more than its share")
            mine.remove(victim)
        while len(self.sessions) + sum(self._opening.values()) >= self.max_sessions:
            victim = self._fair_victim()
            if victim is None:
                return False
            await self.close(victim, "the server is at its session limit")
        return True

    def _fair_victim(self) -> SessionRecord | None:
        """The oldest idle session of the client holding the most sessions: the heaviest pays first."""
        by_client: dict[str, list[SessionRecord]] = {}
        for record in self.sessions.values():
            by_client.setdefault(record.client, []).append(record)
        for records in sorted(by_client.values(), key=len, reverse=True):
            victim = self._oldest_idle(records)
            if victim is not None:
                return victim
        return None

    @staticmethod
    def _oldest_idle(records: list[SessionRecord]) -> SessionRecord | None:
        idle = [r for r in records if r.in_flight == 0]
        return min(idle, key=SessionRecord.eviction_rank) if idle else None

    async def close_all(self, why: str, *, answers_within_s: float = 2.0) -> None:
        """End every session (the drain's last step: open GET streams would hold the exit up).

        The drain ends when the last tool call returns, a moment before its answer has gone
        out on the POST's stream; closing the session then would cut it off. So wait, up to
        ``answers_within_s``, until no POST is still being answered.
        """
        deadline = self._clock() + answers_within_s
        while any(r.posts_in_flight for r in self.sessions.values()):
            if self._clock() > deadline:
                break
            await asyncio.sleep(0.01)
        for record in list(self.sessions.values()):
            await self.close(record, why)

    async def close(self, record: SessionRecord, why: str) -> None:
        """End a session as its client would (DELETE), freeing what the SDK holds for it."""
        if self.sessions.pop(record.session_id, None) is None:
            return
        logger.info("closing HTTP session %s of %s: %s", record.session_id, record.client, why)
        scope: Scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "DELETE",
            "scheme": "http", "path": self._path, "raw_path": self._path.encode(), "root_path": "",
            "query_string": b"", "client": ("zen-session-limiter", 0), "server": ("localhost", 0),
            "headers": [(SESSION_HEADER.encode(), record.session_id.encode())],
        }  # fmt: skip

        async def receive() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def discard(message: Message) -> None:
            return None

        try:
            await self._app(scope, receive, discard)
        except Exception:  # the session may be gone already; it is out of our book either way
            logger.debug("closing session %s failed", record.session_id, exc_info=True)

    # --- timers ------------------------------------------------------------------------------
    def _schedule(self, session_id: str, delay: float) -> None:
        task = asyncio.get_running_loop().create_task(self._check_later(session_id, delay))
        self._timers.add(task)
        task.add_done_callback(self._timers.discard)

    async def _check_later(self, session_id: str, delay: float) -> None:
        await asyncio.sleep(delay)
        record = self.sessions.get(session_id)
        if record is None:
            return
        if not record.used and record.in_flight == 0:
            await self.close(record, f"never used after its initialize ({self.unused_s:g} s)")
            return
        idle_for = self._clock() - record.last_seen
        if record.in_flight == 0 and idle_for >= self.idle_s:
            await self.close(record, f"idle for {idle_for:.0f} s")
            return
        self._schedule(session_id, max(self.idle_s - idle_for, 1.0) if record.in_flight == 0 else self.idle_s)


__all__ = ["SESSION_HEADER", "SessionLimiter", "SessionRecord", "buffered_body", "client_of", "opens_session"]
