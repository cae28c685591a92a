"""The server under test: how to reach it, start it, kill -9 it, restart it, and find its pids.

- ``zen_server`` or ``command`` over HTTP: the harness runs the process on a free port and
  the load's sessions connect to its URL (they reconnect after a restart);
- ``zen_server`` or ``command`` over stdio: each load session is a server process of its
  own, spawned by the MCP client; kill -9 kills them all and holds the sessions until
  ``restart``;
- ``url``: a server someone else runs; it cannot be killed or restarted.
Provider variables are wired to the proxies, and the environment is built by the launcher
(``harness.launcher.server_environment``), which removes every real provider setting, so a
scenario can never reach a real provider.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import anyio

from harness.chaos.errors import ActionError, EnvironmentStartError
from harness.chaos.scenario import TargetSpec
from harness.chaos.sessions import SessionPool
from harness.launcher import fill, free_port, server_environment, zen_server_command
from harness.launcher.stopping import KILL_REAP_S, terminate_then_kill, wait_exit
from harness.mcp_client import Endpoint, HttpEndpoint, StdioEndpoint
from harness.sampling import rss_mb

STOP_GRACE_S = 5.0


class TargetServer:
    """Implements the actions' ``TargetControl`` for the scenario's target."""

    def __init__(
        self, spec: TargetSpec, env: Mapping[str, str], placeholders: Mapping[str, str], log: Path
    ) -> None:
        self.spec = spec
        self._log = log
        self.port = free_port() if spec.kind != "url" and spec.transport == "http" else 0
        values = {**placeholders, "port": str(self.port), "python": sys.executable}
        wiring = {k: fill(v, values) for k, v in env.items()}
        wiring.update({k: fill(v, values) for k, v in spec.env.items()})
        self._env = server_environment(wiring)
        self._argv = self._command(values)
        self._url = fill(spec.url or f"http://127.0.0.1:{self.port}/mcp", values)
        self._process: subprocess.Popen[bytes] | None = None
        self.pool: SessionPool | None = None  # set by the runner; stdio kill/restart go through it

    def _command(self, values: Mapping[str, str]) -> list[str]:
        if self.spec.kind == "url":
            return []
        if self.spec.kind == "zen_server":
            base = zen_server_command()
            if self.spec.transport == "http":
                return [*base, "--transport", "http", "--host", "127.0.0.1", "--port", str(self.port)]
            return base
        return [fill(part, values) for part in self.spec.command or []]

    def endpoint(self) -> Endpoint:
        if self.spec.transport == "http":
            return HttpEndpoint(self._url)
        # self._env is the whole environment, already scrubbed: inheriting ours again would
        # hand a stdio target the real provider keys it must never see.
        return StdioEndpoint(
            self._argv[0], tuple(self._argv[1:]), env=self._env, inherit_env=False, stderr_path=str(self._log)
        )

    @property
    def managed_process(self) -> bool:
        return self.spec.kind != "url" and self.spec.transport == "http"

    async def start(self) -> None:
        if not self.managed_process:
            return
        self._process = self._spawn()
        await self._wait_listening()

    def _spawn(self) -> subprocess.Popen[bytes]:
        with open(self._log, "ab") as log:
            try:
                return subprocess.Popen(
                    self._argv, env=self._env, stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                    start_new_session=True,  # Ctrl-C goes to the harness, which then rolls back
                )  # fmt: skip
            except OSError as exc:
                raise EnvironmentStartError(f"cannot start target {self._argv[0]}: {exc}") from exc

    async def _wait_listening(self) -> None:
        deadline = time.monotonic() + self.spec.startup_timeout_s
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                tail = self._log.read_text(errors="replace")[-1500:] if self._log.exists() else ""
                command = " ".join(self._argv)
                code = self._process.returncode
                raise EnvironmentStartError(f"target exited with {code} while starting: {command}\n{tail}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                await anyio.sleep(0.05)
        raise EnvironmentStartError(
            f"target did not listen on port {self.port} within {self.spec.startup_timeout_s}s"
        )

    def pids(self) -> list[int]:
        if self.managed_process:
            proc = self._process
            return [proc.pid] if proc is not None and proc.poll() is None else []
        return self.pool.pids() if self.pool is not None else []

    def rss_mb(self) -> float | None:
        return rss_mb(self.pids(), with_children=True)

    async def kill(self) -> None:
        if self.spec.kind == "url":
            raise ActionError("a target given by URL cannot be killed")
        if self.managed_process:
            if self._process is not None and self._process.poll() is None:
                self._process.kill()
                await wait_exit(self._process, KILL_REAP_S)
            return
        if self.pool is not None:
            pids = self.pool.pids()
            self.pool.hold(True)
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    continue

    async def restart(self) -> None:
        if self.spec.kind == "url":
            raise ActionError("a target given by URL cannot be restarted")
        if self.managed_process:
            if self._process is not None and self._process.poll() is None:
                raise ActionError("restart_server: the server is still running (kill it first)")
            await self.start()
        elif self.pool is not None:
            self.pool.hold(False)

    async def ensure_running(self) -> None:
        if self.managed_process and (self._process is None or self._process.poll() is not None):
            await self.start()
        elif self.pool is not None:
            self.pool.hold(False)

    async def stop(self) -> None:
        """SIGTERM, then SIGKILL after a grace period."""
        await terminate_then_kill(self._process, STOP_GRACE_S)
