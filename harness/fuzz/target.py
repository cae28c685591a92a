"""The server under fuzz: zen-server as a real process over stdio or HTTP, wired to a fake provider.

The one place the fuzz session launches processes; the environment comes from the harness's
launcher (``harness.launcher.server_environment``), so no real provider setting is
inherited. The server runs with planted secrets in its environment (a provider key and a
marker variable), ``ZEN_ALLOWED_ROOTS`` set to the corpus project,
an audit log, and short deadlines, so a hang shows quickly.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from harness.fuzz.errors import FuzzTargetError
from harness.launcher import free_port
from harness.launcher import server_environment as launcher_environment
from harness.launcher.stopping import terminate_then_kill_blocking

START_TIMEOUT_S = 30.0
ZEN_SERVER = [sys.executable, "-m", "zen_server"]
# Not inherited by the server under fuzz: the developer's own zen settings would change what
# is fuzzed (real provider settings are removed by the launcher, always).
_DROPPED_PREFIXES = ("ZEN_",)


@dataclass(frozen=True)
class Secrets:
    """Values that must never leave the server: one in its environment, one as its provider key."""

    env_marker: str
    provider_key: str

    def values(self) -> tuple[str, ...]:
        return (self.env_marker, self.provider_key)


def server_environment(
    provider_url: str, secrets: Secrets, allowed_root: Path, audit_log: Path
) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(_DROPPED_PREFIXES)}
    return launcher_environment(
        dict(
            OPENAI_API_KEY=secrets.provider_key,
            OPENAI_BASE_URL=provider_url,
            DEFAULT_MODEL="auto",
            ZEN_FUZZ_PLANTED_SECRET=secrets.env_marker,
            ZEN_ALLOWED_ROOTS=str(allowed_root),
            ZEN_AUDIT_LOG=str(audit_log),
            ZEN_TOOL_DEADLINE_S="8",
            ZEN_FILE_READ_TIMEOUT_S="3",
            LOG_LEVEL="INFO",
        ),
        base,
    )


class ServerProcess:
    """One zen-server process; ``transport`` is "stdio" (pipes kept open) or "http" (a free port)."""

    def __init__(self, transport: str, env: dict[str, str], log_path: Path, cwd: Path) -> None:
        self.transport = transport
        self.port = free_port() if transport == "http" else 0
        args = [*ZEN_SERVER]
        if transport == "http":
            args += ["--transport", "http", "--host", "127.0.0.1", "--port", str(self.port)]
        self.log_path = log_path
        self._log = log_path.open("ab")
        self.process = subprocess.Popen(
            args,
            env=env,
            cwd=cwd,
            stdin=subprocess.PIPE if transport == "stdio" else subprocess.DEVNULL,
            stdout=subprocess.PIPE if transport == "stdio" else self._log,
            stderr=self._log,
            bufsize=0,
        )
        if transport == "http":
            self._wait_http()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/mcp"

    def _wait_http(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise FuzzTargetError(f"zen-server exited with {self.process.returncode} at start")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise FuzzTargetError(f"zen-server did not answer /health within {START_TIMEOUT_S:g} s")

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> int:
        """SIGTERM, then SIGKILL after 15 s; the exit status (negative: killed by a signal)."""
        if self.process.poll() is None:
            if self.process.stdin is not None:
                self.process.stdin.close()
            terminate_then_kill_blocking(self.process, 15, None)
        self._log.close()
        return int(self.process.returncode)


__all__ = ["Secrets", "ServerProcess", "server_environment"]
