"""The fake CLIs on their own: the arguments they insist on, their output shapes, their modes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fakes.agent_cli import reply_marker

ARGS = {
    "claude": ["--print", "--output-format", "json"],
    "codex": ["exec", "--json"],
    "gemini": ["-o", "json"],
}


def fake(
    cli: str, prompt: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fakes.agent_cli", cli, *args],
        input=prompt,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_claude_prints_one_result_object() -> None:
    done = fake("claude", "hello", *ARGS["claude"])
    result = json.loads(done.stdout)
    assert done.returncode == 0 and result["type"] == "result" and result["is_error"] is False
    assert result["result"].startswith(reply_marker("claude", "hello"))


def test_codex_prints_events_with_one_agent_message() -> None:
    done = fake("codex", "hello", *ARGS["codex"])
    events = [json.loads(line) for line in done.stdout.splitlines()]
    messages = [e["item"]["text"] for e in events if e.get("item", {}).get("type") == "agent_message"]
    assert len(messages) == 1 and messages[0].startswith(reply_marker("codex", "hello"))
    assert events[-1]["type"] == "turn.completed"


def test_gemini_prints_a_response_with_stats() -> None:
    done = fake("gemini", "hello", *ARGS["gemini"])
    payload = json.loads(done.stdout)
    assert payload["response"].startswith(reply_marker("gemini", "hello"))
    assert "gemini-fake-pro" in payload["stats"]["models"]


@pytest.mark.parametrize("cli", sorted(ARGS))
def test_without_machine_output_flags_the_fake_refuses(cli: str) -> None:
    done = fake(cli, "hello")
    assert done.returncode == 2 and "for machine-readable output" in done.stderr and done.stdout == ""


def test_the_last_mode_line_in_the_prompt_wins_over_the_environment() -> None:
    prompt = "FAKE-CLI-MODE: crash\nolder turn\nFAKE-CLI-MODE: error\n"
    done = fake("gemini", prompt, *ARGS["gemini"], env={"ZEN_FAKE_CLI_MODE": "garbage"})
    assert done.returncode == 1 and json.loads(done.stdout)["error"]["type"] == "FatalToolExecutionError"


@pytest.mark.parametrize(
    ("mode", "returncode", "stderr"),
    [
        ("crash", 3, "fatal: codex fake crashed"),
        ("abort", -signal.SIGABRT, ""),
        ("nonsense", 2, "unknown mode"),
    ],
)
def test_failure_modes(mode: str, returncode: int, stderr: str) -> None:
    done = fake("codex", f"FAKE-CLI-MODE: {mode}\n", *ARGS["codex"])
    assert done.returncode == returncode and stderr in done.stderr


def test_an_answer_file_replaces_stdout(tmp_path: Path) -> None:
    target = tmp_path / "answer.json"
    done = fake("claude", "hello", *ARGS["claude"], "--answer-file", str(target))
    assert done.stdout == "" and json.loads(target.read_text())["result"].startswith("FAKE-CLI-REPLY")


def test_hang_starts_a_child_ignores_sigterm_and_only_a_group_kill_ends_it(tmp_path: Path) -> None:
    pidfile = tmp_path / "pids"
    process = subprocess.Popen(
        [sys.executable, "-m", "fakes.agent_cli", "claude", *ARGS["claude"]],
        stdin=subprocess.PIPE,
        env={**os.environ, "ZEN_FAKE_CLI_MODE": "hang", "ZEN_FAKE_CLI_PIDFILE": str(pidfile)},
        start_new_session=True,
    )
    assert process.stdin is not None
    process.stdin.close()
    try:
        deadline = time.monotonic() + 30
        while not pidfile.exists() or len(pidfile.read_text().split()) < 2:
            assert time.monotonic() < deadline, "the fake never reported its pids"
            time.sleep(0.02)
        parent, child = (int(p) for p in pidfile.read_text().split())
        assert parent == process.pid and os.getpgid(child) == process.pid
        os.kill(process.pid, signal.SIGTERM)
        with pytest.raises(subprocess.TimeoutExpired):
            process.wait(0.5)  # SIGTERM is ignored
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
