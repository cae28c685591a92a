"""A hostile client against a real `zen-server` process: stdio frames, paths, sessions, slow sockets.

Regression tests of issue 12, each one red on the server before the fix: an image path that
sent the environment (provider keys included) to the provider; ``/proc/self/fd`` stealing
the stdio channel; unparsable or odd frames left unanswered; one client's sessions locking
everyone out; sessions that were opened and never used living 30 minutes; slowloris
connections held open forever.
"""

from __future__ import annotations

import base64
import json
import queue
import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from fakes.testing import FakeServer

pytestmark = pytest.mark.e2e

PLANTED_SECRET = "sk-planted-0123456789abcdef-NEVER-LEAVES"
# Liveness bound for answers that come at once from a healthy server (not a speed target).
ANSWER_WITHIN_S = 20.0
INITIALIZE_PARAMS = {
    "protocolVersion": "2025-06-18",
    "capabilities": {},
    "clientInfo": {"name": "e2e", "version": "0"},
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def provider_env(fake: FakeServer) -> dict[str, str]:
    """gpt-5 (a model that takes images) on the fake, with a provider key worth stealing."""
    return {
        "OPENAI_API_KEY": PLANTED_SECRET,
        "OPENAI_BASE_URL": fake.openai_base_url,
        "DEFAULT_MODEL": "gpt-5",
        "LOG_LEVEL": "WARNING",
        "ZEN_TOOL_DEADLINE_S": "30",
    }


def bodies_seen_by(fake: FakeServer) -> str:
    """Every provider request body the fake recorded, with base64 data URLs decoded."""
    text = json.dumps([call["body"] for call in fake.control.stats(bodies=50).recent])
    decoded = [
        base64.b64decode(chunk + "=" * (-len(chunk) % 4)).decode("latin-1")
        for chunk in re.findall(r"base64,([A-Za-z0-9+/]+)", text)
    ]
    return text + "\n".join(decoded)


class RawStdio:
    """zen-server over stdio with raw frames, so malformed ones can be sent at all."""

    def __init__(self, zen_server_cmd: str, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [zen_server_cmd], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, bufsize=0,
        )  # fmt: skip
        self._frames: queue.Queue[Any] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._frames.put(json.loads(line))

    def send_line(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()

    def send(self, frame: Any) -> None:
        self.send_line(json.dumps(frame))

    def next_frame(self) -> Any:
        try:
            return self._frames.get(timeout=ANSWER_WITHIN_S)
        except queue.Empty:
            raise AssertionError(f"no answer from the server within {ANSWER_WITHIN_S}s") from None

    def initialize(self) -> None:
        self.send({"jsonrpc": "2.0", "id": "init", "method": "initialize", "params": INITIALIZE_PARAMS})
        assert "result" in self.next_frame()
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def raw_stdio(zen_server_cmd: str, process_env: Any, server_env: dict[str, str]) -> Iterator[RawStdio]:
    client = RawStdio(zen_server_cmd, process_env(server_env))
    try:
        yield client
    finally:
        client.close()


# --- paths ----------------------------------------------------------------------------------------


async def test_an_image_of_the_environment_never_reaches_the_provider(connect: Any, fake: FakeServer) -> None:
    async with connect(**provider_env(fake)) as client:
        result = await client.call_tool(
            "chat",
            {"prompt": "what is in this picture?", "working_directory_absolute_path": "/tmp",
             "model": "gpt-5", "images": ["/proc/self/environ"]},
        )  # fmt: skip
    text = result.content[0].text
    assert result.is_error, text
    assert "system location" in text
    assert PLANTED_SECRET not in bodies_seen_by(fake)
    assert PLANTED_SECRET not in text


def test_proc_self_fd_does_not_steal_the_stdio_channel(raw_stdio: RawStdio) -> None:
    raw_stdio.initialize()
    arguments: dict[str, object] = {
        "prompt": "p",
        "working_directory_absolute_path": "/tmp",
        "model": "llama3.2",
    }
    arguments["absolute_file_paths"] = ["/proc/self/fd"]
    params = {"name": "chat", "arguments": arguments}
    raw_stdio.send({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": params})
    call = raw_stdio.next_frame()
    raw_stdio.send({"jsonrpc": "2.0", "id": 3, "method": "ping"})
    assert call["id"] == 2 and call["result"]["isError"] is True
    assert "system location" in call["result"]["content"][0]["text"]
    assert raw_stdio.next_frame() == {"jsonrpc": "2.0", "id": 3, "result": {}}


# --- stdio frames ---------------------------------------------------------------------------------


def test_an_unparsable_frame_gets_a_parse_error_and_the_session_goes_on(raw_stdio: RawStdio) -> None:
    raw_stdio.send_line('{"jsonrpc": "2.0", "id": 1, "method": ')
    error = raw_stdio.next_frame()
    assert error["id"] is None and error["error"]["code"] == -32700
    raw_stdio.initialize()


@pytest.mark.parametrize(
    ("frame", "answer_id"),
    [
        ({"jsonrpc": "2.0", "id": 1.5, "method": "ping"}, 1.5),
        ({"jsonrpc": "2.0", "id": True, "method": "ping"}, None),
        ({"jsonrpc": "2.0", "id": None, "method": "ping"}, None),
        ({"jsonrpc": "2.0", "id": {"nested": 1}, "method": "ping"}, None),
        ({"id": 7, "method": "ping"}, 7),
        ({"jsonrpc": "2.0", "id": 8}, 8),
        ({"jsonrpc": "2.0", "id": 9, "method": "tools/list", "params": "not an object"}, 9),
        ({"jsonrpc": "2.0", "id": "ten", "method": 10}, "ten"),
        ("just a string", None),
    ],
)
def test_an_invalid_frame_with_an_id_gets_an_invalid_request_error(
    raw_stdio: RawStdio, frame: Any, answer_id: Any
) -> None:
    raw_stdio.initialize()
    raw_stdio.send(frame)
    error = raw_stdio.next_frame()
    assert error["error"]["code"] == -32600, error
    assert error["id"] == answer_id
    raw_stdio.send({"jsonrpc": "2.0", "id": "after", "method": "ping"})
    assert raw_stdio.next_frame()["id"] == "after"


def test_a_batch_gets_one_answer_per_request_in_it(raw_stdio: RawStdio) -> None:
    raw_stdio.initialize()
    raw_stdio.send([
        {"jsonrpc": "2.0", "id": 1, "method": "ping"},
        {"jsonrpc": "2.0", "method": "notifications/progress"},
        {"jsonrpc": "2.0", "id": "two", "method": "tools/list"},
    ])  # fmt: skip
    answer = raw_stdio.next_frame()
    assert isinstance(answer, list)
    assert [a["id"] for a in answer] == [1, "two"]
    assert all(a["error"]["code"] == -32600 and "batch" in a["error"]["message"] for a in answer)
    raw_stdio.send([])
    empty = raw_stdio.next_frame()
    assert empty["id"] is None and empty["error"]["code"] == -32600


def test_a_call_before_initialize_gets_a_clear_error(raw_stdio: RawStdio) -> None:
    raw_stdio.send({"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    error = raw_stdio.next_frame()
    assert error["id"] == 1
    assert "initialize" in error["error"]["message"]
    raw_stdio.initialize()
    raw_stdio.send({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
    assert "tools" in raw_stdio.next_frame()["result"]


# --- HTTP sessions --------------------------------------------------------------------------------


def open_session(url: str, source: str = "127.0.0.1") -> str:
    """POST initialize from ``source`` (any 127/8 address reaches a loopback server); the session id."""
    with httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=10) as http:
        frame = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": INITIALIZE_PARAMS}
        response = http.post(url, json=frame, headers=MCP_HEADERS)
    assert response.status_code == 200, response.text
    return response.headers["mcp-session-id"]


def session_status(url: str, session_id: str, source: str = "127.0.0.1") -> int:
    """The HTTP status of a ping on the session (200 alive, 404 gone)."""
    headers = {**MCP_HEADERS, "mcp-session-id": session_id, "mcp-protocol-version": "2025-06-18"}
    with httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=10) as http:
        response = http.post(url, json={"jsonrpc": "2.0", "id": 2, "method": "ping"}, headers=headers)
    return response.status_code


def test_one_client_opening_many_sessions_evicts_its_own_oldest_and_locks_nobody_out(
    server_env: dict[str, str], unused_port: int, tmp_path: Path, http_server: Any
) -> None:
    env = {**server_env, "ZEN_HTTP_MAX_SESSIONS": "8", "ZEN_HTTP_SESSIONS_PER_CLIENT": "4"}
    with http_server(env, unused_port, tmp_path / "log") as server:
        other = open_session(server.url, source="127.0.0.2")
        flood = [open_session(server.url) for _ in range(40)]
        newcomers = [open_session(server.url, source=f"127.0.0.{i}") for i in range(3, 8)]
        statuses = {
            "flooder's first": session_status(server.url, flood[0]),
            "flooder's last": session_status(server.url, flood[-1]),
            "other client's": session_status(server.url, other, source="127.0.0.2"),
            "last newcomer's": session_status(server.url, newcomers[-1], source="127.0.0.7"),
        }
    assert statuses == {
        "flooder's first": 404, "flooder's last": 200, "other client's": 200, "last newcomer's": 200,
    }  # fmt: skip


def test_past_the_global_cap_the_oldest_idle_session_is_evicted_not_the_newcomer_refused(
    server_env: dict[str, str], unused_port: int, tmp_path: Path, http_server: Any
) -> None:
    env = {**server_env, "ZEN_HTTP_MAX_SESSIONS": "4", "ZEN_HTTP_SESSIONS_PER_CLIENT": "4"}
    with http_server(env, unused_port, tmp_path / "log") as server:
        sessions = [(open_session(server.url, source=f"127.0.1.{i}"), f"127.0.1.{i}") for i in range(1, 7)]
        alive = [session_status(server.url, sid, source=src) for sid, src in sessions]
    assert alive == [404, 404, 200, 200, 200, 200]


def test_a_session_that_never_sends_a_second_request_is_closed_soon(
    server_env: dict[str, str], unused_port: int, tmp_path: Path, http_server: Any
) -> None:
    env = {**server_env, "ZEN_HTTP_UNUSED_SESSION_S": "1", "LOG_LEVEL": "INFO"}
    with http_server(env, unused_port, tmp_path / "log") as server:
        used = open_session(server.url)
        assert session_status(server.url, used) == 200
        unused = open_session(server.url)
        deadline = time.monotonic() + ANSWER_WITHIN_S
        while unused[:8] not in server.output() or "never used" not in server.output():
            assert time.monotonic() < deadline, f"the unused session was not closed: {server.output()}"
            time.sleep(0.1)
        assert (session_status(server.url, unused), session_status(server.url, used)) == (404, 200)


# --- slow sockets ---------------------------------------------------------------------------------


@contextmanager
def raw_connection(port: int) -> Iterator[socket.socket]:
    sock = socket.create_connection(("127.0.0.1", port), timeout=ANSWER_WITHIN_S)
    try:
        yield sock
    finally:
        sock.close()


def closed_or_answered(sock: socket.socket) -> bytes | None:
    """What the server sent before closing (b"" for a bare close), or None while it waits."""
    sock.setblocking(False)
    try:
        return sock.recv(4096)
    except BlockingIOError:
        return None
    except ConnectionResetError:
        return b""
    finally:
        sock.setblocking(True)


def test_headers_trickled_byte_by_byte_are_cut_off(
    server_env: dict[str, str], unused_port: int, tmp_path: Path, http_server: Any
) -> None:
    env = {**server_env, "ZEN_HTTP_HEADER_TIMEOUT_S": "1"}
    with http_server(env, unused_port, tmp_path / "log") as server, raw_connection(unused_port) as sock:
        sock.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        answer = None
        deadline = time.monotonic() + ANSWER_WITHIN_S
        while answer is None and time.monotonic() < deadline:
            try:
                sock.sendall(b"X-Slow: a\r\n")
            except (BrokenPipeError, ConnectionResetError):
                answer = b""
                break
            time.sleep(0.2)
            answer = closed_or_answered(sock)
        assert answer is not None, "the server kept a connection whose headers never ended"
        assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer
        assert session_status(server.url, open_session(server.url)) == 200


def test_a_body_that_stops_arriving_gets_408(
    server_env: dict[str, str], unused_port: int, tmp_path: Path, http_server: Any
) -> None:
    env = {**server_env, "ZEN_HTTP_BODY_TIMEOUT_S": "1"}
    with http_server(env, unused_port, tmp_path / "log") as server, raw_connection(unused_port) as sock:
        sock.sendall(
            b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b'Accept: application/json, text/event-stream\r\nContent-Length: 1000\r\n\r\n{"jsonrpc": '
        )
        sock.settimeout(ANSWER_WITHIN_S)
        try:
            answer = sock.recv(4096)
        except TimeoutError:
            answer = None
        assert answer is not None and answer.startswith(b"HTTP/1.1 408"), answer
        assert session_status(server.url, open_session(server.url)) == 200
