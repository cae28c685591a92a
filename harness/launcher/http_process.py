"""A server under test serving streamable HTTP on a free port: started, waited on, stopped.

Its environment is always built by ``server_environment`` (real provider settings removed);
the caller only adds to it. It is stopped with SIGINT first, so profilers such as memray
finish their file. Placeholders in a command: ``{port}`` and ``{python}``.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import httpx

from harness.launcher.commands import ZEN_HTTP_COMMAND, expand, free_port
from harness.launcher.environment import server_environment
from harness.launcher.errors import ServerStartError


class HttpServerProcess:
    """An MCP server process serving streamable HTTP at ``http://127.0.0.1:PORT/mcp``."""

    def __init__(
        self,
        command: Sequence[str] = ZEN_HTTP_COMMAND,
        *,
        env: Mapping[str, str] | None = None,
        log_path: Path | None = None,
        path: str = "/mcp",
        startup_timeout_s: float = 30.0,
    ) -> None:
        self.port = free_port()
        self.argv = expand(command, port=str(self.port))
        self.env = server_environment(env)
        self.log_path = log_path
        self.url = f"http://127.0.0.1:{self.port}{path}"
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._startup_timeout_s = startup_timeout_s
        self._log: IO[bytes] | None = None
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, "start() first"
        return self.process.pid

    def start(self) -> Self:
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(self.log_path, "ab")  # noqa: SIM115
        out = self._log if self._log is not None else subprocess.DEVNULL
        self.process = subprocess.Popen(self.argv, stdout=out, stderr=out, env=self.env)
        deadline = time.monotonic() + self._startup_timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise ServerStartError(
                    f"{self.argv[:4]} exited with {self.process.returncode}; log: {self.log_path}"
                )
            if self._answers():
                return self
            time.sleep(0.1)
        self.stop()
        raise ServerStartError(
            f"no answer at {self.url} within {self._startup_timeout_s:g}s; log: {self.log_path}"
        )

    def _answers(self) -> bool:
        # Any HTTP status means the listener is up; MCP itself is checked by the first session.
        try:
            httpx.get(self.url, timeout=1.0)
        except httpx.HTTPError:
            return False
        return True

    def stop(self, timeout_s: float = 20.0) -> int | None:
        """SIGINT, then SIGTERM, then SIGKILL; returns the exit status."""
        proc = self.process
        if proc is not None and proc.poll() is None:
            for sig in (signal.SIGINT, signal.SIGTERM):
                proc.send_signal(sig)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout_s / 2)
                    break
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout_s)
        if self._log is not None:
            self._log.close()
            self._log = None
        return None if proc is None else proc.returncode

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


__all__ = ["HttpServerProcess"]
