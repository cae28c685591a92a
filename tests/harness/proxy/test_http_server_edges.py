"""The API's HTTP/1.1 server at its edges: malformed and oversized requests, handler crashes, HTTP/1.0."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from harness.proxy import http
from harness.proxy.http import HttpServer, Request, Response


async def ok_handler(request: Request) -> Response:
    if request.path == "/boom":
        raise RuntimeError("handler bug")
    return Response(200, f"{request.method} {request.path} {len(request.body)}".encode())


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, int]]:
    srv = HttpServer(ok_handler)
    address = await srv.start("127.0.0.1", 0)
    try:
        yield address
    finally:
        await srv.stop()


async def exchange(address: tuple[str, int], raw: bytes) -> bytes:
    """Send ``raw`` and read until the server closes the connection."""
    reader, writer = await asyncio.open_connection(*address)
    writer.write(raw)
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.read(), 5.0)
    finally:
        writer.close()


async def test_a_malformed_request_gets_400_and_the_connection_is_closed(server: tuple[str, int]) -> None:
    answer = await exchange(server, b"THIS IS NOT HTTP\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"connection: close" in answer.lower()
    assert answer.endswith(b"400 Bad Request")


async def test_a_body_over_the_limit_is_400_not_read_into_memory(
    server: tuple[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "MAX_BODY_BYTES", 1000)
    body = b"x" * 5000
    head = f"POST /proxies HTTP/1.1\r\nHost: t\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    answer = await exchange(server, head + body)
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert answer.endswith(b"400 Bad Request")


async def test_a_body_at_the_limit_is_handled(
    server: tuple[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "MAX_BODY_BYTES", 1000)
    body = b"x" * 1000
    head = f"POST /p HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    answer = await exchange(server, head + body)
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert answer.endswith(b"POST /p 1000")


async def test_a_crashing_handler_is_a_500_and_the_connection_stays_usable(server: tuple[str, int]) -> None:
    raw = b"GET /boom HTTP/1.1\r\nHost: t\r\n\r\nGET /after HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    answer = await exchange(server, raw)
    first, _, second = answer.partition(b"internal error\n")
    assert first.startswith(b"HTTP/1.1 500 ")
    assert second.startswith(b"HTTP/1.1 200 ")
    assert second.endswith(b"GET /after 0")


async def test_an_http_1_0_request_is_answered_then_the_connection_closes(server: tuple[str, int]) -> None:
    answer = await exchange(server, b"GET /old HTTP/1.0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert answer.endswith(b"GET /old 0")


async def test_a_body_cut_short_is_400_and_the_server_keeps_serving(server: tuple[str, int]) -> None:
    reader, writer = await asyncio.open_connection(*server)
    writer.write(b"POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
    await writer.drain()
    writer.write_eof()
    answer = await asyncio.wait_for(reader.read(), 5.0)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"POST /p" not in answer  # the handler never saw the partial request
    answer = await exchange(server, b"GET /still HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert answer.endswith(b"GET /still 0")


async def test_stopping_a_server_that_never_started_or_twice_is_harmless() -> None:
    srv = HttpServer(ok_handler)
    await srv.stop()
    address = await srv.start("127.0.0.1", 0)
    await srv.stop()
    await srv.stop()
    with pytest.raises(OSError):
        await asyncio.open_connection(*address)
