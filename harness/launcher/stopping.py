"""Stopping a child process the one way: SIGTERM, a grace period, then SIGKILL, then reap.

The chaos environment (redis-server, the managed server) and the cluster (instances,
HAProxy) stop their processes from async code, polling so the event loop stays free while
the child drains; the proxy process, the stdio load session, the fuzz target and Locust
stop theirs from sync code with ``terminate_then_kill_blocking``.
"""

from __future__ import annotations

import subprocess
import time
from typing import Any

import anyio

POLL_S = 0.02
KILL_REAP_S = 2.0


async def wait_exit(process: subprocess.Popen[bytes] | None, timeout_s: float) -> bool:
    """Wait (polling, up to ``timeout_s``) for ``process`` to exit; whether it has (or there is none)."""
    deadline = time.monotonic() + timeout_s
    while process is not None and process.poll() is None:
        if time.monotonic() > deadline:
            return False
        await anyio.sleep(POLL_S)
    return True


async def terminate_then_kill(
    process: subprocess.Popen[bytes] | None, grace_s: float, kill_reap_s: float = KILL_REAP_S
) -> bool:
    """SIGTERM, wait up to ``grace_s``, then SIGKILL and wait up to ``kill_reap_s`` to reap it.

    Returns whether the SIGKILL was needed (the process outlived its grace period).
    """
    if process is None or process.poll() is not None:
        return False
    process.terminate()
    if await wait_exit(process, grace_s):
        return False
    process.kill()
    await wait_exit(process, kill_reap_s)
    return True


def terminate_then_kill_blocking(
    process: subprocess.Popen[Any], grace_s: float, kill_wait_s: float | None
) -> None:
    """The same from sync code: SIGTERM, wait up to ``grace_s``, then SIGKILL and wait
    (up to ``kill_wait_s``; None: until it is reaped, which SIGKILL makes prompt)."""
    process.terminate()
    try:
        process.wait(grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(kill_wait_s)


__all__ = ["KILL_REAP_S", "terminate_then_kill", "terminate_then_kill_blocking", "wait_exit"]
