"""End-to-end fixtures: a fake OpenAI-compatible provider, and `zen-server` as a real process.

``connect`` starts the server over stdio (the SDK launches it) or over streamable HTTP
(we launch it, wait for /health, then connect with the SDK's HTTP client), so one test
body runs against both transports.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import (
    AbstractAsyncContextManager,
    AbstractContextManager,
    asynccontextmanager,
    contextmanager,
)
from pathlib import Path
from typing import Any

import httpx
import httpx2
import mcp_types as types
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from fakes.testing import FakeServer

ZEN_SERVER = str(Path(sys.executable).with_name("zen-server"))
START_TIMEOUT_S = 60.0  # a fail-safe against a server that never starts, not a speed target
STOP_TIMEOUT_S = 15.0
# Keys that would send the server to a real provider: never inherited by the process under test.
PROVIDER_KEYS = (
    "OPENAI_API_KEY",
    "GEMINI_API_KEY",
    "XAI_API_KEY",
    "OPENROUTER_API_KEY",
    "AZURE_OPENAI_API_KEY",
    "DIAL_API_KEY",
)

Connect = Callable[..., AbstractAsyncContextManager[Client]]
MODEL = "llama3.2"  # CUSTOM_MODEL_NAME in server_env


def chat_args(prompt: str, **extra: Any) -> dict[str, Any]:
    return {"prompt": prompt, "model": MODEL, "working_directory_absolute_path": "/tmp", **extra}


def text_of(result: types.CallToolResult) -> str:
    block = result.content[0]
    assert isinstance(block, types.TextContent)
    return block.text


async def chat_envelope(client: Client, arguments: dict[str, Any]) -> dict[str, Any]:
    """A chat call that must succeed, and the JSON envelope it answered with."""
    result = await client.call_tool("chat", arguments)
    block = result.content[0]
    assert isinstance(block, types.TextContent)
    assert not result.is_error, block.text
    return dict(json.loads(block.text))


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    with FakeServer("openai", seed=1) as server:
        yield server


@pytest.fixture
def server_env(fake: FakeServer) -> dict[str, str]:
    """The environment the server runs with: only the fake provider, quiet logs."""
    return {
        "CUSTOM_API_URL": fake.openai_base_url,
        "CUSTOM_API_KEY": "e2e-key",
        "CUSTOM_MODEL_NAME": MODEL,
        "LOG_LEVEL": "WARNING",
        "ZEN_TOOL_DEADLINE_S": "30",
        # A test that leaves a slow call behind must not hold the SIGTERM at teardown for
        # the default 30 s drain (stop() waits 15 s); drain tests set their own.
        "ZEN_DRAIN_TIMEOUT_S": "5",
    }


def child_env(extra: dict[str, str]) -> dict[str, str]:
    """The test's environment minus real provider keys and ZEN_* settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in PROVIDER_KEYS and not k.startswith("ZEN_")}
    env.update(extra)
    env["PYTHONUNBUFFERED"] = "1"
    return env


class HttpServer:
    """`zen-server --transport http` in a subprocess; stderr goes to a file for failure reports."""

    def __init__(self, env: dict[str, str], port: int, log: Path, host: str = "127.0.0.1") -> None:
        self.url = f"http://{host}:{port}/mcp"
        self.base = f"http://{host}:{port}"
        self.log = log
        self._log_file = log.open("w")
        args = [ZEN_SERVER, "--transport", "http", "--host", host, "--port", str(port)]
        self.process = subprocess.Popen(
            args, env=child_env(env), stdin=subprocess.DEVNULL, stdout=self._log_file, stderr=self._log_file
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"zen-server exited with {self.process.returncode}: {self.output()}")
            try:
                if httpx.get(f"{self.base}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"zen-server did not answer /health in {START_TIMEOUT_S}s: {self.output()}")

    def stop(self) -> int:
        """SIGTERM, as a process manager would; returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError(f"zen-server ignored SIGTERM for {STOP_TIMEOUT_S}s") from None
        self._log_file.close()
        return self.process.returncode

    def output(self) -> str:
        self._log_file.flush()
        return self.log.read_text(errors="replace")[-4000:]


@contextmanager
def running_http_server(env: dict[str, str], port: int, log: Path) -> Iterator[HttpServer]:
    server = HttpServer(env, port, log)
    try:
        server.wait_ready()
        yield server
    finally:
        status = server.stop()
        assert status == 0, f"zen-server exited with {status} after SIGTERM: {server.output()}"


@pytest.fixture(params=["stdio", "http"])
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def connect(transport: str, server_env: dict[str, str], unused_port: int, tmp_path: Path) -> Connect:
    """``async with connect() as client``: the SDK client on a freshly started server."""

    @asynccontextmanager
    async def open_client(mode: str = "auto", **extra_env: str) -> AsyncIterator[Client]:
        """``mode``: "auto" (2026 protocol when both sides speak it) or "legacy" (initialize handshake)."""
        env = {**server_env, **extra_env}
        if transport == "stdio":
            params = StdioServerParameters(command=ZEN_SERVER, env=env)
            async with Client(params, read_timeout_seconds=60, mode=mode) as client:
                yield client
            return
        with running_http_server(env, unused_port, tmp_path / "zen-server.log") as server:
            token = env.get("ZEN_AUTH_TOKEN")
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            timeout = httpx2.Timeout(30, read=120)
            async with (
                httpx2.AsyncClient(headers=headers, timeout=timeout) as http,
                Client(
                    streamable_http_client(server.url, http_client=http),
                    read_timeout_seconds=60,
                    mode=mode,
                ) as client,
            ):
                yield client

    return open_client


@pytest.fixture
def http_server() -> Callable[[dict[str, str], int, Path], AbstractContextManager[HttpServer]]:
    """``with http_server(env, port, log_path) as server``: started, ready, SIGTERMed after."""
    return running_http_server


@pytest.fixture
def process_env() -> Callable[[dict[str, str]], dict[str, str]]:
    return child_env


@pytest.fixture
def zen_server_cmd() -> str:
    return ZEN_SERVER


@pytest.fixture
def npx() -> str:
    path = shutil.which("npx")
    if path is None:
        pytest.skip("npx is not installed: the MCP Inspector CLI check needs Node.js (npx)")
    return path
