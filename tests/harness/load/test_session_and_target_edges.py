"""Load sessions and targets at their edges: HTTP errors, stray output, stubborn or dead children."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.launcher import FAKE_API_KEY, HttpServerProcess, ServerStartError, provider_env
from harness.launcher.fakes import DEFAULT_MODEL
from harness.load import stdio_session
from harness.load.errors import ProfileError
from harness.load.http_session import McpHttpSession
from harness.load.profile import profile_path
from harness.load.stdio_session import McpStdioSession
from harness.load.wire import WireError

# --- HTTP session, against an in-process transport -------------------------------------------


def http_session(handler: Any, **kwargs: Any) -> tuple[McpHttpSession, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)  # type: ignore[no-any-return]

    session = McpHttpSession("http://mcp.test/mcp", **kwargs)
    # Same headers the session chose, requests answered in-process.
    session._client = httpx.Client(headers=session._client.headers, transport=httpx.MockTransport(record))
    return session, seen


def reply(request: httpx.Request, result: dict[str, Any], **headers: str) -> httpx.Response:
    body = json.loads(request.content)
    if "id" not in body:
        return httpx.Response(202)
    return httpx.Response(200, json={"jsonrpc": "2.0", "id": body["id"], "result": result}, headers=headers)


def test_http_session_sends_the_auth_token_and_keeps_the_assigned_session_id() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            return httpx.Response(200)
        return reply(request, {"serverInfo": {"name": "x"}}, **{"mcp-session-id": "sid-1"})

    session, seen = http_session(handler, auth_token="tok")
    assert session.initialize() == {"serverInfo": {"name": "x"}}
    session.close()
    assert all(r.headers["authorization"] == "Bearer tok" for r in seen)
    assert "mcp-session-id" not in seen[0].headers
    assert [(r.method, r.headers.get("mcp-session-id")) for r in seen[1:]] == [
        ("POST", "sid-1"),
        ("DELETE", "sid-1"),
    ]


def test_http_session_without_token_or_session_sends_neither_and_does_not_delete() -> None:
    session, seen = http_session(lambda r: reply(r, {"tools": [{"name": "chat"}, "junk"]}))
    assert session.list_tools() == [{"name": "chat"}]
    session.close()
    assert "authorization" not in seen[0].headers
    assert [r.method for r in seen] == ["POST"]


def test_an_http_error_status_is_a_transport_error_with_status_and_body() -> None:
    session, _ = http_session(lambda r: httpx.Response(503, text="overloaded, try later"))
    with pytest.raises(WireError, match=r"HTTP 503: overloaded, try later") as caught:
        session.list_tools()
    assert caught.value.kind == "transport_error"


def test_a_reply_without_the_requests_id_is_a_protocol_error() -> None:
    other = {"jsonrpc": "2.0", "id": 999, "result": {}}
    session, _ = http_session(lambda r: httpx.Response(200, json=other))
    with pytest.raises(WireError, match=r"no response with id 1 to tools/list") as caught:
        session.list_tools()
    assert caught.value.kind == "protocol_error"


# --- stdio session, against a tiny line-JSON server ------------------------------------------

ECHO_SERVER = """
import json, signal, sys, time
if "--ignore-term" in sys.argv:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
for raw in sys.stdin:
    message = json.loads(raw)
    if "id" not in message:
        continue
    if "--noisy" in sys.argv:
        print("", flush=True)
        print("log: not json", flush=True)
        print(json.dumps({"jsonrpc": "2.0", "method": "notifications/progress"}), flush=True)
    if "--huge" in sys.argv:
        print("x" * 5000, flush=True)
    answer = {"jsonrpc": "2.0", "id": message["id"], "result": {"echo": message["method"]}}
    print(json.dumps(answer), flush=True)
    if "--exit-after-reply" in sys.argv:
        sys.exit(0)
if "--linger" in sys.argv:
    while True:
        time.sleep(1)
"""


@pytest.fixture
def server_script(tmp_path: Path) -> Path:
    path = tmp_path / "echo_server.py"
    path.write_text(textwrap.dedent(ECHO_SERVER))
    return path


def start(script: Path, *flags: str, **kwargs: Any) -> McpStdioSession:
    return McpStdioSession([sys.executable, str(script), *flags], timeout_s=10, **kwargs)


def test_stdio_session_skips_blank_lines_stray_prints_and_notifications(server_script: Path) -> None:
    session = start(server_script, "--noisy")
    try:
        assert session.pid == session.process.pid
        assert session.request("tools/list") == (
            {"echo": "tools/list"},
            len(b'{"jsonrpc": "2.0", "id": 1, "result": {"echo": "tools/list"}}'),
        )
    finally:
        session.close()
    assert session.process.returncode == 0


def test_a_line_longer_than_the_limit_is_a_protocol_error(
    server_script: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stdio_session, "MAX_LINE_BYTES", 1000)
    session = start(server_script, "--huge")
    try:
        with pytest.raises(WireError, match="a line longer than") as caught:
            session.request("ping")
        assert caught.value.kind == "protocol_error"
    finally:
        session.close()


def test_writing_to_a_server_that_exited_is_a_transport_error(server_script: Path) -> None:
    session = start(server_script, "--exit-after-reply")
    try:
        session.request("ping")
        session.process.wait(10)
        with pytest.raises(WireError) as caught:
            session.request("ping")
            session.request("ping")  # the first write may still land in the pipe buffer
        assert caught.value.kind == "transport_error"
    finally:
        session.close()


def test_close_escalates_to_kill_for_a_server_that_ignores_eof_and_sigterm(
    server_script: Path, tmp_path: Path
) -> None:
    session = start(server_script, "--ignore-term", "--linger", stderr_path=str(tmp_path / "err.log"))
    session.request("ping")  # the SIGTERM handler is installed once it answers
    session.close(timeout_s=0.3)
    assert session.process.returncode == -9
    assert session.process.stdout is not None and session.process.stdout.closed


def test_close_terminates_a_server_that_ignores_eof(server_script: Path) -> None:
    session = start(server_script, "--linger")
    session.request("ping")
    session.close(timeout_s=0.3)
    assert session.process.returncode == -15


# --- targets ---------------------------------------------------------------------------------


def test_provider_env_points_only_at_the_fakes_that_run() -> None:
    assert provider_env(None, "http://g") == {
        "DEFAULT_MODEL": "gemini-2.5-flash",
        "GEMINI_API_KEY": FAKE_API_KEY,
        "GEMINI_BASE_URL": "http://g",
    }
    both = provider_env("http://o", "http://g")
    assert both["DEFAULT_MODEL"] == DEFAULT_MODEL
    assert both["OPENAI_BASE_URL"] == "http://o" and both["GEMINI_BASE_URL"] == "http://g"


def test_a_server_that_exits_at_start_is_a_start_error_naming_its_exit_code() -> None:
    server = HttpServerProcess(["{python}", "-c", "import sys; sys.exit(7)"], startup_timeout_s=10)
    with pytest.raises(ServerStartError, match="exited with 7"):
        server.start()


def test_a_server_that_never_answers_is_stopped_after_the_startup_timeout(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "server.log"
    server = HttpServerProcess(
        ["{python}", "-c", "import time; print('up', flush=True); time.sleep(60)"],
        log_path=log,
        startup_timeout_s=0.5,
    )
    with pytest.raises(ServerStartError, match=r"no answer at http://127.0.0.1:\d+/mcp within 0.5s"):
        server.start()
    assert server.process is not None and server.process.poll() is not None
    assert log.is_file()


def test_a_yaml_profile_path_that_does_not_exist_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "mine.yaml"
    with pytest.raises(ProfileError, match=f"profile file {missing} does not exist"):
        profile_path(str(missing))
