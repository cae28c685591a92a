"""The system under load: fake providers in their own processes and the MCP server wired to them.

``FakeProviders`` starts one fake per provider kind (``fakes.testing.FakeProviderProcess``)
with a starting behaviour, and ``provider_env`` gives the variables that point zen_server
(or any server reading OPENAI_/GEMINI_ variables) at them. ``HttpServerProcess`` starts an
MCP server command that serves streamable HTTP on a free port, waits until the endpoint
answers, and stops it (SIGINT first, so profilers such as memray finish their file).
Placeholders in a command: ``{port}`` and ``{python}``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

import httpx

from harness.load.errors import TargetStartError

ZEN_HTTP_COMMAND: tuple[str, ...] = (
    "{python}", "-m", "zen_server", "--transport", "http", "--host", "127.0.0.1", "--port", "{port}",
)  # fmt: skip
ZEN_STDIO_COMMAND: tuple[str, ...] = ("{python}", "-m", "zen_server")
FAKE_API_KEY = "sk-zen-harness-fake-key"  # the fakes accept any key; this one is never real
DEFAULT_MODEL = "gpt-5"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def expand(command: Sequence[str], **values: str) -> list[str]:
    """``command`` with ``{port}``, ``{python}``... placeholders filled in."""
    fills = {"python": sys.executable, **values}
    out: list[str] = []
    for part in command:
        for key, value in fills.items():
            part = part.replace("{" + key + "}", value)
        out.append(part)
    return out


class FakeProviders:
    """Fake OpenAI (and optionally Gemini) providers, each in its own process."""

    def __init__(
        self, behaviour: Mapping[str, Any], kinds: Sequence[str] = ("openai",), seed: int = 0
    ) -> None:
        from fakes.testing import FakeProviderProcess

        self._dir = tempfile.TemporaryDirectory(prefix="zen-load-fakes-")
        self.fakes: dict[str, FakeProviderProcess] = {}
        for kind in kinds:
            path = Path(self._dir.name) / f"{kind}.json"
            path.write_text(json.dumps({"providers": {kind: {"default": dict(behaviour)}}}))
            self.fakes[kind] = FakeProviderProcess(kind, behaviour_file=path, seed=seed)

    def start(self) -> Self:
        started: list[Any] = []
        try:
            for fake in self.fakes.values():
                fake.start()
                started.append(fake)
        except Exception:
            for fake in started:
                fake.stop()
            raise
        return self

    def stop(self) -> None:
        for fake in self.fakes.values():
            fake.stop()
        self._dir.cleanup()

    def env(self) -> dict[str, str]:
        openai = self.fakes.get("openai")
        gemini = self.fakes.get("gemini")
        return provider_env(openai.openai_base_url if openai else None, gemini.base_url if gemini else None)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def provider_env(openai_url: str | None, gemini_url: str | None) -> dict[str, str]:
    """Variables pointing a Zen-style server at the fakes (and nothing real)."""
    env = {"DEFAULT_MODEL": DEFAULT_MODEL if openai_url else "gemini-2.5-flash"}
    if openai_url:
        env |= {"OPENAI_API_KEY": FAKE_API_KEY, "OPENAI_BASE_URL": openai_url}
    if gemini_url:
        env |= {"GEMINI_API_KEY": FAKE_API_KEY, "GEMINI_BASE_URL": gemini_url}
    return env


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
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
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
                raise TargetStartError(
                    f"{self.argv[:4]} exited with {self.process.returncode}; log: {self.log_path}"
                )
            if self._answers():
                return self
            time.sleep(0.1)
        self.stop()
        raise TargetStartError(
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
