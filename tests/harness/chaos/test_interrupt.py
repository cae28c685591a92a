"""Rollbacks always run: Ctrl-C (SIGINT) in the middle of a scenario still runs them,
stops the target, and exits 130."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

FRAGILE = Path(__file__).with_name("fragile_server.py")


def scenario_text(marker: Path) -> str:
    return f"""
name: interrupted
target:
  kind: command
  transport: stdio
  command: ["{sys.executable}", "{FRAGILE}"]
providers:
  - {{name: openai, behaviour: {{default: {{latency: {{fixed_ms: 20}}}}}}}}
load:
  concurrency: 2
  tools: [{{name: chat, arguments: {{model: gpt-5}}}}]
phases: {{before: 30, during: 30, after: 30}}
rollbacks:
  - {{action: run_command, command: ["{sys.executable}", "-c", "open('{marker}', 'w').write('rolled back')"]}}
hypotheses:
  - {{type: error_rate, max: 0}}
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.chaos
@pytest.mark.slow
def test_sigint_runs_the_rollbacks_and_stops_the_target(tmp_path: Path) -> None:
    marker = tmp_path / "rolled-back"
    pid_file = tmp_path / "pids"
    scenario = tmp_path / "interrupted.yaml"
    scenario.write_text(scenario_text(marker))
    env = {**os.environ, "FRAGILE_PID_FILE": str(pid_file)}
    harness = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "harness.chaos",
            str(scenario),
            "--reports",
            str(tmp_path / "reports"),
            "--no-plots",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert harness.stdout is not None
        seen = b""
        # Wait for the event, not a clock: the run says when its load has started.
        for line in iter(harness.stdout.readline, b""):
            seen += line
            if b"interrupted: load for" in line:
                break
        assert pid_file.exists(), "the load started but the target never wrote its pid"
        harness.send_signal(signal.SIGINT)
        rest, _ = harness.communicate(timeout=60)
        output = seen + rest
    finally:
        if harness.poll() is None:
            harness.kill()
    assert harness.returncode == 130, output.decode(errors="replace")[-2000:]
    assert marker.read_text() == "rolled back"
    for pid in map(int, pid_file.read_text().split()):
        assert not alive(pid), f"target {pid} outlived the harness"
