"""Planted real-looking provider keys never reach a server under test, whichever run starts it.

Every provider setting zen_server knows (from its provider table) is planted in this
process's environment with a real-looking key, its URL pointing at a loopback trap that
records every connection. Each kind of run then starts a real server the way it does in
use (chaos target over HTTP and stdio, the HTTP server that load, gates and leaks share,
the load's stdio session, the fuzz target), and the test reads the live process's
environment: no planted value is in it, and every provider the server would count as
configured points at a loopback address. A chat whose only fake is down (so fallback
would try any other configured provider) leaves the trap untouched; the same server given
the planted settings on purpose does knock on it, which shows the trap can see a leak.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import psutil
import pytest

from harness.chaos.environment.target import TargetServer
from harness.chaos.scenario import TargetSpec
from harness.fuzz.target import Secrets, ServerProcess, server_environment
from harness.gates.metrics.base import MeasureContext
from harness.gates.stack import serving
from harness.launcher import HttpServerProcess, fake_provider_env, free_port, provider_env
from harness.load.http_session import McpHttpSession
from harness.load.runner import locust_environment
from harness.load.stdio_session import McpStdioSession
from harness.load.wire import ToolReply
from harness.mcp_client import StdioEndpoint, stdio_parameters
from zen_server.config import Settings
from zen_server.provider_table import PROVIDERS

pytestmark = pytest.mark.e2e


class Trap:
    """A loopback listener that counts every connection made to it."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port = int(self._sock.getsockname()[1])
        self.connections = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._sock.close()
        self._thread.join(5)


@pytest.fixture
def trap() -> Iterator[Trap]:
    listener = Trap()
    yield listener
    listener.close()


@pytest.fixture
def planted(monkeypatch: pytest.MonkeyPatch, trap: Trap) -> dict[str, str]:
    """Every provider variable set as a developer's shell would have it; the planted values."""
    values: dict[str, str] = {}
    for entry in PROVIDERS:
        values[entry.key_variable] = f"sk-live-PLANTED-{entry.name}-7f3a9c2e1b"
        values[entry.url_variable] = f"http://127.0.0.1:{trap.port}/planted-{entry.name}/v1"
    values |= {
        "GOOGLE_API_KEY": "AIzaPLANTEDgoogle",
        "ANTHROPIC_API_KEY": "sk-ant-PLANTED",
        "SOME_API_KEY": "x-PLANTED",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def assert_no_leak(environ: Mapping[str, str], planted: Mapping[str, str]) -> None:
    leaked = sorted(k for k, v in environ.items() if v in planted.values() or "PLANTED" in v)
    assert not leaked, f"planted values reached the server: {leaked}"
    # What the server would call: each configured provider's URL (its Settings default when unset).
    lowered = SimpleNamespace(**{k.lower(): v for k, v in environ.items()})
    for entry in PROVIDERS:
        if not entry.is_configured(lowered):
            continue
        url = environ.get(entry.url_variable) or str(
            Settings.model_fields[entry.url_variable.lower()].default
        )
        host = urlsplit(url).hostname or ""
        assert ipaddress.ip_address(host).is_loopback, f"{entry.name} would be called at {url}"


def process_environ(pid: int) -> dict[str, str]:
    return dict(psutil.Process(pid).environ())


DOWN = f"http://127.0.0.1:{free_port()}/v1"  # nobody listens: the only fake is down
SHORT = {"ZEN_TOOL_DEADLINE_S": "20"}


def chat(session: McpHttpSession, model: str, workdir: Path) -> ToolReply:
    arguments = {"prompt": "hello", "model": model, "working_directory_absolute_path": str(workdir)}
    reply = session.call_tool("chat", arguments)
    assert "missing required" not in reply.text and "invalid" not in reply.text, reply.text
    return reply


def test_chaos_targets_over_http_and_stdio_get_no_planted_setting(
    tmp_path: Path, planted: dict[str, str]
) -> None:
    wiring = fake_provider_env({"openai": DOWN})
    target = TargetServer(TargetSpec(), wiring, {}, tmp_path / "target.log")
    asyncio.run(target.start())
    try:
        assert_no_leak(process_environ(target.pids()[0]), planted)
    finally:
        asyncio.run(target.stop())
    stdio = TargetServer(TargetSpec(transport="stdio"), wiring, {}, tmp_path / "stdio.log").endpoint()
    assert isinstance(stdio, StdioEndpoint)
    assert_no_leak(dict(stdio_parameters(stdio, tmp_path / "pid").env or {}), planted)


def test_the_http_server_of_load_gates_and_leaks_gets_none_and_never_calls_the_trap(
    tmp_path: Path, planted: dict[str, str], trap: Trap
) -> None:
    with HttpServerProcess(env=provider_env(DOWN, None) | SHORT, log_path=tmp_path / "server.log") as server:
        assert_no_leak(process_environ(server.pid), planted)
        session = McpHttpSession(server.url, timeout_s=60)
        try:
            session.initialize()
            reply = chat(session, "gpt-5", tmp_path)
        finally:
            session.close()
    assert not reply.ok, "the only fake is down, so the call fails"
    assert trap.connections == 0, "a planted provider was called"


def test_the_trap_sees_a_server_that_was_given_the_planted_settings(
    tmp_path: Path, planted: dict[str, str], trap: Trap
) -> None:
    # The control: the same call from a server handed the planted settings on purpose.
    wiring = {**planted, **provider_env(DOWN, None), **SHORT}
    with HttpServerProcess(env=wiring, log_path=tmp_path / "server.log") as server:
        session = McpHttpSession(server.url, timeout_s=60)
        try:
            session.initialize()
            chat(session, "auto", tmp_path)
        finally:
            session.close()
    assert trap.connections > 0


def test_a_gate_measurement_server_gets_no_planted_setting(tmp_path: Path, planted: dict[str, str]) -> None:
    ctx = MeasureContext(out_dir=tmp_path)
    with serving(ctx, "leak-check", behaviour={"latency": {"fixed_ms": 0}}) as running:
        assert_no_leak(process_environ(running.server.pid), planted)


def test_load_over_stdio_gives_locust_and_its_servers_no_planted_setting(
    tmp_path: Path, planted: dict[str, str]
) -> None:
    assert_no_leak(locust_environment({}), planted)
    session = McpStdioSession(
        [sys.executable, "-m", "zen_server"], env=provider_env(DOWN, None), timeout_s=30
    )
    try:
        session.initialize()
        assert_no_leak(process_environ(session.pid), planted)
    finally:
        session.close()


def test_the_fuzz_target_gets_only_its_own_planted_secrets(tmp_path: Path, planted: dict[str, str]) -> None:
    secrets = Secrets(env_marker="fuzz-marker-1", provider_key="fuzz-provider-key-1")
    env = server_environment(DOWN, secrets, tmp_path, tmp_path / "audit.jsonl")
    server = ServerProcess("http", env, tmp_path / "fuzz.log", tmp_path)
    try:
        environ = process_environ(server.process.pid)
        assert_no_leak(environ, planted)
        assert environ["OPENAI_API_KEY"] == secrets.provider_key
    finally:
        server.stop()
    assert "OPENROUTER_API_KEY" in os.environ  # the planting itself held for the whole test
