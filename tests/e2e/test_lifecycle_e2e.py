"""Stopping and cancelling: SIGTERM, stdin EOF, and MCP cancellation reaching the provider."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable
from typing import Any

import anyio
import pytest
from mcp.client.stdio import StdioServerParameters

from fakes.testing import FakeServer

pytestmark = pytest.mark.e2e

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "e2e", "version": "0"},
    },
}


def start_stdio(cmd: str, env: dict[str, str]) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [cmd], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(json.dumps(INITIALIZE) + "\n")
    process.stdin.flush()
    reply = json.loads(process.stdout.readline())
    assert reply["result"]["serverInfo"]["name"] == "zen"
    return process


def provider_idle(fake: FakeServer, timeout_s: float) -> bool:
    """Poll the fake (from a worker thread) until nothing is in flight there."""
    deadline = time.monotonic() + timeout_s
    while fake.control.stats(bodies=0).in_flight:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def stopped_within(process: subprocess.Popen[str], seconds: float) -> tuple[int, float]:
    started = time.monotonic()
    try:
        status = process.wait(seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError(f"zen-server still running {seconds}s later") from None
    return status, time.monotonic() - started


@pytest.mark.parametrize("stop", ["sigterm", "sigint", "stdin_eof"])
def test_stdio_server_stops_cleanly(
    stop: str, server_env: dict[str, str], zen_server_cmd: str, process_env: Callable[..., dict[str, str]]
) -> None:
    process = start_stdio(zen_server_cmd, process_env(server_env))
    assert process.stdin is not None
    if stop == "stdin_eof":
        process.stdin.close()
    else:
        # stdin stays open: a blocked read must not keep the process alive.
        process.send_signal(signal.SIGTERM if stop == "sigterm" else signal.SIGINT)
    status, _ = stopped_within(process, 60)  # a fail-safe against hanging, not a speed target
    if process.stdin is not None and not process.stdin.closed:
        process.stdin.close()
    assert process.stdout is not None
    process.stdout.close()

    assert status == 0


async def test_mcp_cancellation_cancels_the_provider_request(
    fake: FakeServer, server_env: dict[str, str], zen_server_cmd: str
) -> None:
    from mcp import Client

    fake.control.set_default({"latency": {"fixed_ms": 20_000}})
    params = StdioServerParameters(command=zen_server_cmd, env=server_env)
    args: dict[str, Any] = {"prompt": "slow", "model": "llama3.2", "working_directory_absolute_path": "/tmp"}
    async with Client(params) as client:
        async with anyio.create_task_group() as tg:

            async def call() -> None:
                await client.call_tool("chat", args)

            tg.start_soon(call)
            await anyio.to_thread.run_sync(fake.control.wait_for_in_flight, 1)
            # Abandoning the call makes the SDK send notifications/cancelled.
            tg.cancel_scope.cancel()

        settled = await anyio.to_thread.run_sync(provider_idle, fake, 5.0)
        assert settled, "the provider request outlived the cancelled call"

        version = await client.call_tool("version", {})
        assert not version.is_error
