"""Settings at start, as a user meets them: a bad value stops `zen-server` with one line,
and a server with no provider says so in its log, on /ready and on the dashboard."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("variable", "value"),
    [("LOG_LEVEL", "verbose"), ("ZEN_TOOL_DEADLINES", "chat:60"), ("ZEN_PROVIDER_RATE_LIMITS", "openai=5x")],
)
def test_a_bad_setting_exits_2_with_one_line_and_no_traceback(
    zen_server_cmd: str,
    server_env: dict[str, str],
    process_env: Callable[[dict[str, str]], dict[str, str]],
    variable: str,
    value: str,
) -> None:
    env = process_env({**server_env, variable: value})
    done = subprocess.run(
        [zen_server_cmd], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""  # the MCP channel stays clean
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"zen-server: configuration error: {variable}: "), lines[0]
    assert "Traceback" not in done.stderr and "Value error" not in done.stderr


def test_a_bad_deployments_file_exits_2_naming_the_file_the_entry_and_the_field(
    zen_server_cmd: str,
    server_env: dict[str, str],
    process_env: Callable[[dict[str, str]], dict[str, str]],
    tmp_path: Path,
) -> None:
    path = tmp_path / "deployments.yaml"
    path.write_text(
        "deployments:\n"
        "  - {name: eu-1, kind: openai, base_url: 'http://127.0.0.1:9', weight: 0, models: [gpt-5]}\n"
    )
    env = process_env({**server_env, "ZEN_DEPLOYMENTS": str(path)})
    done = subprocess.run(
        [zen_server_cmd], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(
        f"zen-server: configuration error: ZEN_DEPLOYMENTS: {path}: deployments[0] (eu-1): weight: "
    ), lines[0]


def test_with_no_provider_the_log_ready_and_dashboard_say_what_to_set(
    unused_port: int, tmp_path: Path, http_server: Callable[..., AbstractContextManager[Any]]
) -> None:
    with http_server({"LOG_LEVEL": "WARNING"}, unused_port, tmp_path / "log") as server:
        ready = httpx.get(f"{server.base}/ready", timeout=5)
        data = httpx.get(f"{server.base}/dashboard/data", timeout=5).json()
        log = server.output()

    assert ready.status_code == 503
    (reason,) = ready.json()["reasons"]
    assert reason.startswith("no model provider is configured: set one of GEMINI_API_KEY, OPENAI_API_KEY")
    assert data["readiness"] == {"ready": False, "reasons": [reason]}
    warnings = [json.loads(line) for line in log.splitlines() if '"warning"' in line]
    assert any(
        w["event"].startswith("no model provider is configured") and "CUSTOM_API_URL" in w["event"]
        for w in warnings
    ), log
