"""SessionLimiter in front of a stand-in for the SDK's session manager: caps, fair eviction, short lives."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from zen_server.mcp.http_sessions import SessionLimiter, opens_session


@dataclass
class FakeSessionManager:
    """As the SDK: an initialize without an id opens a session, other calls without one open nothing
    (the stateless protocol); known ids are served, DELETE forgets one, unknown ids get 404."""

    open: set[str] = field(default_factory=set)
    deleted: list[str] = field(default_factory=list)
    gone: asyncio.Event = field(default_factory=asyncio.Event)
    hold: asyncio.Event | None = None  # when set, requests on a session (or stateless) wait for it
    stateless_calls: int = 0
    _ids: Any = field(default_factory=lambda: (f"s{n}" for n in itertools.count(1)))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        session = dict(scope["headers"]).get(b"mcp-session-id", b"").decode()
        body = (await receive()).get("body", b"")
        headers: list[tuple[bytes, bytes]] = []
        status = 200
        if not session and b'"initialize"' not in body:
            self.stateless_calls += 1
            if self.hold is not None:
                await self.hold.wait()
        elif not session:
            new = next(self._ids)
            self.open.add(new)
            headers.append((b"mcp-session-id", new.encode()))
        elif session not in self.open:
            status = 404
        elif scope["method"] == "DELETE":
            self.open.discard(session)
            self.deleted.append(session)
            self.gone.set()
        elif self.hold is not None:
            await self.hold.wait()
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b""})


INITIALIZE = b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}'
TOOL_CALL = b'{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"version"}}'


async def request(
    app: Any,
    client: str,
    session: str | None = None,
    method: str = "POST",
    body: bytes = INITIALIZE,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> tuple[int, str]:
    headers = [*(headers or []), *([(b"mcp-session-id", session.encode())] if session else [])]
    scope = {"type": "http", "method": method, "path": "/mcp", "headers": headers, "client": (client, 5000)}
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = sent[0]
    return start["status"], dict(start.get("headers", [])).get(b"mcp-session-id", b"").decode()


def limiter(manager: FakeSessionManager, **limits: Any) -> SessionLimiter:
    values = {"max_sessions": 100, "per_client": 100, "unused_s": 3600.0, "idle_s": 3600.0} | limits
    return SessionLimiter(manager, path="/mcp", **values)


async def test_a_client_past_its_share_loses_its_own_oldest_idle_session() -> None:
    manager = FakeSessionManager()
    app = limiter(manager, per_client=3)
    other = (await request(app, "10.0.0.2"))[1]
    mine = [(await request(app, "10.0.0.1"))[1] for _ in range(5)]
    assert manager.deleted == mine[:2]
    assert manager.open == {other, *mine[2:]}


async def test_a_used_session_outlives_unused_ones_of_the_same_client() -> None:
    manager = FakeSessionManager()
    app = limiter(manager, per_client=2)
    first, second = [(await request(app, "10.0.0.1"))[1] for _ in range(2)]
    assert (await request(app, "10.0.0.1", first))[0] == 200  # first is now used
    await request(app, "10.0.0.1")
    assert manager.deleted == [second]


async def test_at_the_global_cap_the_heaviest_client_pays_and_the_newcomer_gets_in() -> None:
    manager = FakeSessionManager()
    app = limiter(manager, max_sessions=4)
    light = (await request(app, "10.0.0.9"))[1]
    heavy = [(await request(app, "10.0.0.1"))[1] for _ in range(3)]
    status, newcomer = await request(app, "10.0.0.5")
    assert status == 200 and newcomer in manager.open
    assert manager.deleted == [heavy[0]] and light in manager.open


async def test_a_new_session_is_refused_only_when_every_session_is_busy() -> None:
    manager = FakeSessionManager(hold=asyncio.Event())
    app = limiter(manager, max_sessions=2)
    sessions = [(await request(app, f"10.0.0.{i}"))[1] for i in (1, 2)]
    busy = [asyncio.create_task(request(app, f"10.0.0.{n + 1}", s)) for n, s in enumerate(sessions)]
    for _ in range(100):  # let both requests reach the held handler
        await asyncio.sleep(0)
    assert sum(r.in_flight for r in app.sessions.values()) == 2
    status, _ = await request(app, "10.0.0.3")
    assert status == 503 and manager.deleted == []
    assert manager.hold is not None
    manager.hold.set()
    await asyncio.gather(*busy)
    assert (await request(app, "10.0.0.3"))[0] == 200


async def test_a_session_never_used_after_initialize_is_closed_after_the_unused_timeout() -> None:
    manager = FakeSessionManager()
    app = limiter(manager, unused_s=0.05)
    unused = (await request(app, "10.0.0.1"))[1]
    used = (await request(app, "10.0.0.1"))[1]
    await request(app, "10.0.0.1", used)
    await asyncio.wait_for(manager.gone.wait(), 30)  # liveness bound, not a speed target
    assert manager.deleted == [unused] and used in manager.open
    assert set(app.sessions) == {used}


async def test_a_client_delete_takes_the_session_out_of_the_book() -> None:
    manager = FakeSessionManager()
    app = limiter(manager)
    session = (await request(app, "10.0.0.1"))[1]
    assert (await request(app, "10.0.0.1", session, method="DELETE"))[0] == 200
    assert app.sessions == {}


async def test_concurrent_stateless_calls_of_one_client_are_not_counted_as_sessions() -> None:
    manager = FakeSessionManager(hold=asyncio.Event())
    app = limiter(manager, per_client=1, max_sessions=1)
    modern = [(b"mcp-protocol-version", b"2026-07-28")]
    calls = [
        asyncio.ensure_future(request(app, "10.0.0.1", body=TOOL_CALL, headers=modern)) for _ in range(10)
    ]
    for _ in range(100):  # let every call reach the held handler (or fail early, which asserts)
        await asyncio.sleep(0)
    assert manager.stateless_calls == 10  # every call reached the SDK while the others are in flight
    status, opened = await request(app, "10.0.0.1")  # an initialize still finds room
    assert status == 200 and opened
    assert manager.hold is not None
    manager.hold.set()
    assert [status for status, _ in await asyncio.gather(*calls)] == [200] * 10
    assert app.sessions.keys() == {opened}


def test_only_an_initialize_on_a_handshake_version_opens_a_session() -> None:
    def scope(version: bytes | None) -> Scope:
        headers = [(b"mcp-protocol-version", version)] if version else []
        return {"type": "http", "method": "POST", "path": "/mcp", "headers": headers}

    assert opens_session(scope(None), INITIALIZE)
    assert opens_session(scope(b"2025-06-18"), b"[" + INITIALIZE + b"]")
    assert not opens_session(scope(b"2026-07-28"), INITIALIZE)
    assert not opens_session(scope(None), TOOL_CALL)
    assert not opens_session(scope(None), b"{not json")


async def test_closing_every_session_at_the_drain_waits_for_a_post_still_being_answered() -> None:
    manager = FakeSessionManager(hold=asyncio.Event())
    app = limiter(manager)
    idle, answering = [(await request(app, "10.0.0.1"))[1] for _ in range(2)]
    in_flight = asyncio.create_task(request(app, "10.0.0.1", answering, body=TOOL_CALL))
    for _ in range(100):  # let the request reach the held handler
        await asyncio.sleep(0)
    assert app.sessions[answering].posts_in_flight == 1
    closing = asyncio.create_task(app.close_all("shutting down"))
    for _ in range(100):
        await asyncio.sleep(0)
    assert not closing.done() and manager.deleted == []  # the answer is still going out
    assert manager.hold is not None
    manager.hold.set()
    assert (await in_flight)[0] == 200
    await closing
    assert sorted(manager.deleted) == sorted([idle, answering]) and app.sessions == {}
