"""One zen_server instance of the cluster: a real ``zen-server --transport http`` process.

It keeps its port across restarts (HAProxy's config names it), and offers the three ways
an instance goes away: ``kill`` (SIGKILL, no goodbye), ``terminate`` (SIGTERM: the server
drains, then exits) and a ``restart`` after either.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

from harness.errors import ClusterError
from harness.launcher.commands import free_port, zen_server_command
from harness.launcher.stopping import wait_exit

KILL_REAP_S = 5.0


# The launcher's command under this module's name, which tests stand in for (a fake server).
zen_server_argv = zen_server_command


class ZenInstance:
    def __init__(
        self, name: str, env: Mapping[str, str], log: Path, *, startup_timeout_s: float = 60.0
    ) -> None:
        self.name = name
        self.port = free_port()
        self._env = dict(env)
        self._log = log
        self._startup_timeout_s = startup_timeout_s
        self._process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    @property
    def running(self) -> bool:
        return self.pid is not None

    async def start(self) -> None:
        self._process = self._spawn()
        self.starts += 1
        await self._wait_ready()

    def _spawn(self) -> subprocess.Popen[bytes]:
        argv = [*zen_server_argv(), "--transport", "http", "--host", "127.0.0.1", "--port", str(self.port)]
        with self._log.open("ab") as log:
            return subprocess.Popen(
                argv, env=self._env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                start_new_session=True,  # Ctrl-C reaches the harness, which tears down in order
            )  # fmt: skip

    async def _wait_ready(self) -> None:
        deadline = time.monotonic() + self._startup_timeout_s
        async with httpx.AsyncClient(timeout=1.0) as http:
            while time.monotonic() < deadline:  # fail-safe bound on start-up
                process = self._process
                if process is None or process.poll() is not None:
                    code = process.returncode if process is not None else None
                    tail = self._log.read_text(errors="replace")[-1500:]
                    raise ClusterError(f"instance {self.name} exited with {code} while starting:\n{tail}")
                try:
                    if (await http.get(f"{self.base_url}/ready")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        raise ClusterError(f"instance {self.name} was not ready within {self._startup_timeout_s:g}s")

    async def kill(self) -> None:
        """SIGKILL: calls in flight on it are cut off; nothing is drained."""
        process = self._process
        if process is not None and process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            await self._reap(KILL_REAP_S)

    async def terminate(self, timeout_s: float) -> int | None:
        """SIGTERM and wait (up to ``timeout_s``) for the drain to end; the exit status, or None."""
        process = self._process
        if process is None or process.poll() is not None:
            return process.returncode if process is not None else None
        process.send_signal(signal.SIGTERM)
        if not await self._reap(timeout_s):
            return None
        return process.returncode

    async def restart(self) -> None:
        if self.running:
            raise ClusterError(f"instance {self.name} is still running; kill or terminate it first")
        await self.start()

    async def stop(self) -> None:
        if await self.terminate(10.0) is None:
            await self.kill()

    async def _reap(self, timeout_s: float) -> bool:
        return await wait_exit(self._process, timeout_s)


__all__ = ["ZenInstance", "free_port", "zen_server_argv"]
