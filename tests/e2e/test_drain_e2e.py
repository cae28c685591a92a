"""Graceful drain over real processes: stdin EOF, SIGTERM on stdio and HTTP, a second signal.

A scripted client (initialize, initialized, one tools/call, close stdin) must get its
answer; SIGTERM must turn /ready 503 at once, refuse new calls, let the call in flight
finish and exit 0; a second signal must end the process at once.
"""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from fakes.testing import FakeServer

pytestmark = pytest.mark.e2e

FAIL_SAFE_S = 60.0  # against hanging only; no test here measures speed
CHAT_ARGS: dict[str, Any] = {
    "prompt": "hello",
    "model": "llama3.2",
    "working_directory_absolute_path": "/tmp",
}


def frame(message_id: int | None, method: str, params: dict[str, Any] | None = None) -> str:
    message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
    if message_id is not None:
        message["id"] = message_id
    if params is not None:
        message["params"] = params
    return json.dumps(message) + "\n"


INITIALIZE = frame(
    1,
    "initialize",
    {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "e2e", "version": "0"}},
)
INITIALIZED = frame(None, "notifications/initialized")


def chat_call(message_id: int) -> str:
    return frame(message_id, "tools/call", {"name": "chat", "arguments": CHAT_ARGS})


def replies_by_id(stdout: str) -> dict[Any, dict[str, Any]]:
    out: dict[Any, dict[str, Any]] = {}
    for line in stdout.splitlines():
        if line.strip():
            message = json.loads(line)
            if "id" in message:
                out[message["id"]] = message
    return out


def start_stdio(cmd: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [cmd], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )


def tool_text(reply: dict[str, Any]) -> str:
    return str(reply["result"]["content"][0]["text"])


def test_stdio_end_of_input_answers_the_call_written_just_before(
    fake: FakeServer,
    server_env: dict[str, str],
    zen_server_cmd: str,
    process_env: Callable[..., dict[str, str]],
) -> None:
    """The upstream simulator's pattern: three frames, then stdin closes; the call is answered."""
    fake.control.set_default({"latency": {"fixed_ms": 800}})
    process = start_stdio(zen_server_cmd, process_env(server_env))
    stdout, _ = process.communicate(INITIALIZE + INITIALIZED + chat_call(2), timeout=FAIL_SAFE_S)

    replies = replies_by_id(stdout)
    assert process.returncode == 0
    assert "error" not in replies[2], replies[2]
    assert replies[2]["result"]["isError"] is False
    assert json.loads(tool_text(replies[2]))["status"] in {"success", "continuation_available"}
    assert fake.control.stats(bodies=0).requests >= 1


def test_stdio_sigterm_refuses_new_calls_and_finishes_the_one_in_flight(
    fake: FakeServer,
    server_env: dict[str, str],
    zen_server_cmd: str,
    process_env: Callable[..., dict[str, str]],
) -> None:
    fake.control.set_default({"latency": {"fixed_ms": 3000}})
    process = start_stdio(zen_server_cmd, process_env({**server_env, "ZEN_DRAIN_TIMEOUT_S": "60"}))
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(INITIALIZE + INITIALIZED + chat_call(2))
    process.stdin.flush()
    assert json.loads(process.stdout.readline())["id"] == 1
    fake.control.wait_for_in_flight(1)

    process.send_signal(signal.SIGTERM)
    # A refusal is only certain once the drain has begun; a call sent before the signal
    # was handled would run, so keep asking until one is refused (each answers quickly).
    refused: dict[str, Any] | None = None
    for message_id in range(3, 40):
        process.stdin.write(frame(message_id, "tools/call", {"name": "version", "arguments": {}}))
        process.stdin.flush()
        reply = json.loads(process.stdout.readline())
        assert reply["id"] == message_id, reply  # the slow call is still in flight
        if reply["result"]["isError"]:
            refused = reply
            break
    assert refused is not None, "no call was refused after SIGTERM"
    assert "shutting down" in tool_text(refused)

    stdout, _ = process.communicate(timeout=FAIL_SAFE_S)
    in_flight = replies_by_id(stdout).get(2)
    assert in_flight is not None, (process.returncode, stdout)
    assert in_flight["result"]["isError"] is False, in_flight
    assert process.returncode == 0


@pytest.fixture
def slow_http_server(
    fake: FakeServer,
    server_env: dict[str, str],
    unused_port: int,
    tmp_path: Path,
    process_env: Callable[..., dict[str, str]],
    zen_server_cmd: str,
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    fake.control.set_default({"latency": {"fixed_ms": 3000}})
    log = (tmp_path / "zen.log").open("w")
    base = f"http://127.0.0.1:{unused_port}"
    process = subprocess.Popen(
        [zen_server_cmd, "--transport", "http", "--port", str(unused_port)],
        # Longer than any wait here: the drain must end because the calls did, not the timeout.
        env=process_env({**server_env, "ZEN_DRAIN_TIMEOUT_S": "60"}),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
    )
    deadline = time.monotonic() + FAIL_SAFE_S
    while True:
        assert process.poll() is None, (tmp_path / "zen.log").read_text()
        try:
            if httpx.get(f"{base}/ready", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "zen-server never became ready"
        time.sleep(0.1)
    try:
        yield process, base
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


def stateless_call(
    base: str, tool: str, arguments: dict[str, Any], timeout_s: float = FAIL_SAFE_S
) -> httpx.Response:
    """initialize, initialized and one tools/call over plain HTTP, on a session if the server gives one."""
    headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    with httpx.Client(base_url=base, headers=headers, timeout=timeout_s) as http:
        init = http.post("/mcp", content=INITIALIZE)
        session = init.headers.get("mcp-session-id")
        if init.status_code != 200:
            return init
        if session:
            http.headers["mcp-session-id"] = session
            http.headers["mcp-protocol-version"] = "2025-06-18"
        http.post("/mcp", content=INITIALIZED)
        return http.post("/mcp", content=frame(2, "tools/call", {"name": tool, "arguments": arguments}))


def sse_result(response: httpx.Response) -> dict[str, Any]:
    for line in response.text.splitlines():
        if line.startswith("data:") and line[5:].strip():
            message = json.loads(line[5:])
            if "id" in message:
                return dict(message)
    return dict(response.json())


async def test_http_sigterm_turns_ready_503_refuses_new_calls_and_finishes_in_flight(
    fake: FakeServer, slow_http_server: tuple[subprocess.Popen[bytes], str]
) -> None:
    process, base = slow_http_server
    answers: list[httpx.Response] = []

    async def in_flight() -> None:
        answers.append(await anyio.to_thread.run_sync(stateless_call, base, "chat", CHAT_ARGS))

    async with anyio.create_task_group() as tg:
        tg.start_soon(in_flight)
        await anyio.to_thread.run_sync(fake.control.wait_for_in_flight, 1)
        process.send_signal(signal.SIGTERM)
        ready = await anyio.to_thread.run_sync(wait_for_status, f"{base}/ready", 503)
        assert ready.json()["status"] == "degraded"
        refused = await anyio.to_thread.run_sync(stateless_call, base, "version", {})
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "1"
        assert "shutting down" in refused.json()["error"]["message"]
        assert fake.control.stats(bodies=0).in_flight == 1, "the call in flight ended before the drain let it"

    (answer,) = answers
    assert answer.status_code == 200
    assert sse_result(answer)["result"]["isError"] is False
    assert process.wait(FAIL_SAFE_S) == 0


def wait_for_status(url: str, status: int) -> httpx.Response:
    deadline = time.monotonic() + FAIL_SAFE_S
    while True:
        response = httpx.get(url, timeout=5)
        if response.status_code == status:
            return response
        assert time.monotonic() < deadline, f"{url} never answered {status}"
        time.sleep(0.02)


async def test_a_second_signal_exits_at_once(
    fake: FakeServer, slow_http_server: tuple[subprocess.Popen[bytes], str]
) -> None:
    process, base = slow_http_server
    fake.control.set_default({"latency": {"fixed_ms": 60_000}})

    def abandoned_call() -> None:
        with contextlib.suppress(httpx.HTTPError):  # the process dies under it: that is the point
            stateless_call(base, "chat", CHAT_ARGS)

    async with anyio.create_task_group() as tg:
        tg.start_soon(anyio.to_thread.run_sync, abandoned_call)
        await anyio.to_thread.run_sync(fake.control.wait_for_in_flight, 1)
        process.send_signal(signal.SIGTERM)
        await anyio.to_thread.run_sync(wait_for_status, f"{base}/ready", 503)
        process.send_signal(signal.SIGTERM)
        status = await anyio.to_thread.run_sync(process.wait, FAIL_SAFE_S)
        tg.cancel_scope.cancel()
    # 128 + SIGTERM: ended by the second signal, not by the drain finishing (it could not).
    assert status == 128 + signal.SIGTERM
