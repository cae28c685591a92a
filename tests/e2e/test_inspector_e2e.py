"""The official MCP Inspector CLI can drive the server (a third-party client, not our SDK).

Command for the README:
    npx -y @modelcontextprotocol/inspector --cli zen-server --method tools/list
    npx -y @modelcontextprotocol/inspector --cli http://127.0.0.1:8080/mcp --transport http \
        --method tools/list
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from zen_server import __version__

pytestmark = pytest.mark.e2e

INSPECTOR = "@modelcontextprotocol/inspector"
# npm's own words when the package cannot be fetched: no registry, no verdict on our server.
FETCH_FAILURES = ("ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNREFUSED", "ECONNRESET", "E404", "network")


def run_inspector(npx: str, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [npx, "-y", INSPECTOR, "--cli", *args], env=env, capture_output=True, text=True, timeout=180
    )
    if done.returncode != 0 and any(word in done.stderr for word in FETCH_FAILURES):
        pytest.skip(f"npx could not fetch {INSPECTOR}: {done.stderr.strip()[-300:]}")
    return done


def test_inspector_cli_lists_and_calls_tools_over_stdio(
    npx: str,
    server_env: dict[str, str],
    zen_server_cmd: str,
    process_env: Callable[[dict[str, str]], dict[str, str]],
    tmp_path: Path,
) -> None:
    env = process_env(server_env)
    listed = run_inspector(npx, [zen_server_cmd, "--method", "tools/list"], env)
    assert listed.returncode == 0, listed.stderr[-2000:]
    names = [tool["name"] for tool in json.loads(listed.stdout)["tools"]]
    assert {"chat", "challenge", "listmodels", "version"} <= set(names)

    called = run_inspector(npx, [zen_server_cmd, "--method", "tools/call", "--tool-name", "version"], env)
    assert called.returncode == 0, called.stderr[-2000:]
    result = json.loads(called.stdout)
    assert result.get("isError") in (None, False)
    assert __version__ in result["content"][0]["text"]

    chat_args = [
        "prompt=inspector says hello",
        "model=llama3.2",
        f"working_directory_absolute_path={tmp_path}",
    ]
    chatted = run_inspector(
        npx,
        [zen_server_cmd, "--method", "tools/call", "--tool-name", "chat"]
        + [part for arg in chat_args for part in ("--tool-arg", arg)],
        env,
    )
    assert chatted.returncode == 0, chatted.stderr[-2000:]
    reply = json.loads(chatted.stdout)
    assert reply.get("isError") in (None, False), reply
    envelope = json.loads(reply["content"][0]["text"])
    # The fake's deterministic reply echoes the last user message: the prompt reached the model.
    assert "FAKE-REPLY model=llama3.2" in envelope["content"]
    assert "inspector says hello" in envelope["content"]


def test_inspector_cli_lists_tools_over_http(
    npx: str,
    server_env: dict[str, str],
    unused_port: int,
    tmp_path: Path,
    http_server: Callable[..., AbstractContextManager[Any]],
    process_env: Callable[[dict[str, str]], dict[str, str]],
) -> None:
    with http_server(server_env, unused_port, tmp_path / "log") as server:
        listed = run_inspector(
            npx, [server.url, "--transport", "http", "--method", "tools/list"], process_env({})
        )
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert "chat" in [tool["name"] for tool in json.loads(listed.stdout)["tools"]]
