"""The server under fuzz: zen-server as a real process over stdio or HTTP, wired to a fake provider.

The one place the fuzz session launches processes (kept small so it can move to the
harness's shared launcher). The server runs with planted secrets in its environment
(a provider key and a marker variable), ``ZEN_ALLOWED_ROOTS`` set to the corpus project,
an audit log, and short deadlines, so a hang shows quickly.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from harness.fuzz.errors import FuzzTargetError

START_TIMEOUT_S = 30.0
ZEN_SERVER = [sys.executable, "-m", "zen_server"]
# Never inherited by the server under fuzz: real keys must not meet hostile input.
_DROPPED_PREFIXES = ("OPENAI_", "GEMINI_", "XAI_", "OPENROUTER_", "AZURE_OPENAI_", "DIAL_", "CUSTOM_", "ZEN_")


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
    env = {k: v for k, v in os.environ.items() if not k.startswith(_DROPPED_PREFIXES)}
    env.update(
        OPENAI_API_KEY=secrets.provider_key,
        OPENAI_BASE_URL=provider_url,
        DEFAULT_MODEL="auto",
        ZEN_FUZZ_PLANTED_SECRET=secrets.env_marker,
        ZEN_ALLOWED_ROOTS=str(allowed_root),
        ZEN_AUDIT_LOG=str(audit_log),
        ZEN_TOOL_DEADLINE_S="8",
        ZEN_FILE_READ_TIMEOUT_S="3",
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return int(self.process.returncode)


__all__ = ["Secrets", "ServerProcess", "free_port", "server_environment"]
