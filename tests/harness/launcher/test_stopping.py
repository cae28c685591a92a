"""The one stop for child processes: SIGTERM, a grace period, then SIGKILL, then reap."""

from __future__ import annotations

import signal
import subprocess
import sys

from harness.launcher.stopping import terminate_then_kill, terminate_then_kill_blocking, wait_exit

# The child says "ready" once its SIGTERM disposition is set, so the test waits on that, not a sleep.
IGNORES_SIGTERM = (
    "import signal, sys, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "print('ready', flush=True)\n"
    "time.sleep(60)\n"
)
OBEYS_SIGTERM = "import sys, time\nprint('ready', flush=True)\ntime.sleep(60)\n"


def spawn(code: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    assert process.stdout is not None and process.stdout.readline() == b"ready\n"
    return process


async def test_a_process_that_obeys_sigterm_is_not_killed() -> None:
    process = spawn(OBEYS_SIGTERM)
    assert await terminate_then_kill(process, grace_s=30.0) is False
    assert process.returncode == -signal.SIGTERM


async def test_a_process_that_ignores_sigterm_is_killed_and_reaped() -> None:
    process = spawn(IGNORES_SIGTERM)
    assert await terminate_then_kill(process, grace_s=0.0) is True
    assert process.returncode == -signal.SIGKILL


async def test_nothing_to_stop_is_not_an_error() -> None:
    assert await terminate_then_kill(None, grace_s=1.0) is False
    assert await wait_exit(None, 0.0) is True
    process = spawn(OBEYS_SIGTERM)
    assert await wait_exit(process, 0.0) is False  # still running: the deadline passed first
    process.kill()
    process.wait()
    assert await terminate_then_kill(process, grace_s=1.0) is False  # already exited: no signal sent


def test_the_blocking_stop_kills_what_ignores_sigterm_and_spares_what_obeys() -> None:
    stubborn = spawn(IGNORES_SIGTERM)
    terminate_then_kill_blocking(stubborn, grace_s=0.1, kill_wait_s=None)
    assert stubborn.returncode == -signal.SIGKILL
    obedient = spawn(OBEYS_SIGTERM)
    terminate_then_kill_blocking(obedient, grace_s=30.0, kill_wait_s=30.0)
    assert obedient.returncode == -signal.SIGTERM
