"""Starting and stopping fakes (thread, process, several ports) and the HTTP server's edge cases."""

from __future__ import annotations

import asyncio
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fakes import wire
from fakes._errors import FakeServerError
from fakes.engine import FakeEngine
from fakes.server import ListenSpec, serve_until, start_servers
from fakes.testing import FakeProviderProcess, FakeServer
from fakes.wire import WireServer

CHAT = {"model": "gpt-5", "messages": [{"role": "user", "content": "hi"}]}
ANNOUNCE = "zen-fakes: openai listening on http://127.0.0.1:1 (seed 0)"


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port some other socket is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def raw_exchange(port: int, data: bytes, *, until: bytes | None = None, timeout_s: float = 5.0) -> bytes:
    """Send raw bytes and read until `until` has been seen (or the server closes)."""
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout_s) as sock:
        sock.sendall(data)
        while until is None or until not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    return received


def chat_request(body: bytes = b'{"model":"m","messages":[{"role":"user","content":"x"}]}') -> bytes:
    head = f"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-length: {len(body)}\r\n\r\n"
    return head.encode() + body


# -- FakeServer / FakeControl ------------------------------------------------------------------


def test_fake_server_on_a_taken_port_fails_to_start(taken_port: int) -> None:
    fake = FakeServer("openai", port=taken_port)
    with pytest.raises(FakeServerError, match="did not start"):
        fake.start()
    fake.stop()  # stopping a fake that never served is harmless


def test_stop_without_start_is_a_no_op() -> None:
    fake = FakeServer("gemini")
    fake.stop()
    assert fake.port == 0


def test_wait_for_in_flight_times_out_with_the_count_seen(fake_openai: FakeServer) -> None:
    with pytest.raises(FakeServerError, match="only 0 of 1 requests in flight"):
        fake_openai.control.wait_for_in_flight(1, timeout_s=0.1)


def test_unknown_provider_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown provider 'claude'"):
        FakeEngine("claude")


def test_zero_recent_bodies_counts_requests_but_keeps_no_bodies() -> None:
    with FakeServer("openai", behaviour={"recent_bodies": 0}) as fake:
        httpx.post(f"{fake.openai_base_url}/chat/completions", json=CHAT, timeout=5)
        stats = fake.control.stats()
    assert (stats.requests, stats.by_model, stats.recent) == (1, {"gpt-5": 1}, [])


# -- FakeProviderProcess -----------------------------------------------------------------------


@pytest.mark.e2e
def test_process_without_behaviour_file_serves_defaults_and_stops_once() -> None:
    fake = FakeProviderProcess("gemini", seed=3)
    fake.stop()  # not started: nothing to do
    with fake:
        assert fake.control.health() == {"status": "ok", "provider": "gemini", "seed": 3, "in_flight": 0}
    assert fake.process is not None and fake.process.returncode == 0
    fake.stop()  # already stopped: nothing to do


@pytest.mark.e2e
def test_process_with_a_bad_behaviour_file_reports_its_stderr(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("providers: {openai: {default: {latency: {fixed_ms: -5}}}}")
    fake = FakeProviderProcess("openai", behaviour_file=path)
    with pytest.raises(FakeServerError, match="no sign of life") as caught:
        fake.start()
    assert "fixed_ms" in str(caught.value)
    assert fake.process is not None and fake.process.returncode == 2


def test_process_announcing_something_else_is_killed() -> None:
    fake = FakeProviderProcess("openai")
    fake._args = [sys.executable, "-c", "import time; print('hello', flush=True); time.sleep(60)"]
    with pytest.raises(FakeServerError, match="did not start: 'hello"):
        fake.start()
    assert fake.process is not None and fake.process.returncode is not None and fake.process.returncode < 0


def test_process_ignoring_sigterm_is_killed_on_stop() -> None:
    code = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        f"print({ANNOUNCE!r}, flush=True); time.sleep(60)"
    )
    fake = FakeProviderProcess("openai")
    fake._args = [sys.executable, "-c", code]
    fake.start()
    assert fake.port == 1
    fake.stop(timeout_s=0.5)
    assert fake.process is not None and fake.process.returncode == -9
    assert fake.process.stdout is not None and fake.process.stdout.closed


# -- server.start_servers / serve_until --------------------------------------------------------


async def test_start_servers_releases_bound_ports_when_one_fails(taken_port: int) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = int(probe.getsockname()[1])
    specs = [ListenSpec("openai", free_port), ListenSpec("gemini", taken_port)]
    with pytest.raises(FakeServerError, match=f"cannot listen on 127.0.0.1:{taken_port}"):
        await start_servers(specs)
    servers = await start_servers([ListenSpec("openai", free_port)])  # the first port was let go
    await servers[0].stop()


async def test_serve_until_returns_once_stop_is_set_without_on_ready() -> None:
    stop = asyncio.Event()
    stop.set()
    await asyncio.wait_for(serve_until([ListenSpec("openai", 0)], stop), 5)


# -- wire.WireServer ---------------------------------------------------------------------------


async def test_wire_server_port_needs_start_and_stop_before_start_is_harmless() -> None:
    server = WireServer(FakeEngine("openai"))
    with pytest.raises(RuntimeError, match="not started"):
        _ = server.port
    await server.stop()


def test_unparseable_http_gets_a_400_and_the_connection_closes(fake_openai: FakeServer) -> None:
    reply = raw_exchange(fake_openai.port, b"THIS IS NOT HTTP\r\n\r\n")
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request")
    assert b"connection: close" in head.lower()
    assert body.startswith(b'{"error": "bad HTTP request')
    assert httpx.get(f"{fake_openai.base_url}/_fake/health", timeout=5).status_code == 200


def test_oversized_body_gets_413(fake_openai: FakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wire, "MAX_BODY_BYTES", 1000)
    reply = raw_exchange(fake_openai.port, chat_request(b"x" * 5000))
    assert reply.startswith(b"HTTP/1.1 413 ")
    assert b"too large" in reply
    assert fake_openai.control.stats().requests == 0


def test_pipelined_requests_are_answered_in_order(fake_openai: FakeServer) -> None:
    fake_openai.control.set_default({"latency": {"fixed_ms": 100}})
    reply = raw_exchange(fake_openai.port, chat_request() * 2, until=b"fake000002")
    assert reply.count(b"HTTP/1.1 200 OK") == 2
    assert reply.index(b"fake000001") < reply.index(b"fake000002")
    assert fake_openai.control.stats().requests == 2


def test_request_sent_while_a_reply_is_pending_is_kept(fake_openai: FakeServer) -> None:
    """The bytes of a second request that arrive during the first reply's latency are not lost."""
    fake_openai.control.set_default({"latency": {"fixed_ms": 400}})
    received = b""
    with socket.create_connection(("127.0.0.1", fake_openai.port), timeout=5) as sock:
        sock.sendall(chat_request())
        time.sleep(0.1)  # usually mid-latency; the assertions hold either way
        sock.sendall(chat_request())
        while b"fake000002" not in received:
            chunk = sock.recv(65536)
            assert chunk, f"connection closed early: {received!r}"
            received += chunk
    assert received.count(b"HTTP/1.1 200 OK") == 2
    assert fake_openai.control.stats().by_status == {"200": 2}


def test_client_leaving_during_latency_ends_the_request_at_once(fake_openai: FakeServer) -> None:
    fake_openai.control.set_default({"latency": {"fixed_ms": 30000}})
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{fake_openai.openai_base_url}/chat/completions", json=CHAT, timeout=0.3)
    deadline = time.monotonic() + 10  # far below the 30 s latency the request would otherwise hold
    while fake_openai.control.stats().in_flight and time.monotonic() < deadline:
        time.sleep(0.02)
    stats = fake_openai.control.stats()
    assert (stats.in_flight, stats.requests, stats.max_in_flight) == (0, 1, 1)
