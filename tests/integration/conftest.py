"""Integration fixtures: the real server stack against the real fake providers over HTTP.

* ``fakes``: a factory starting ``FakeServer``s (real sockets, own thread) that also notes
  the monotonic arrival time of every provider request (the fakes' own stats keep order and
  status but no times), so a test can check how far apart retries came.
* ``zen_app``: a factory, ``async with zen_app(**settings) as app``, giving a started
  :class:`ZenApp` from ``build_app`` (the same composition the CLI runs). Its executor is
  what the MCP adapter calls, so a call here is a tool call minus the transport.
* ``chat_call``: one timed chat call through the executor.
* ``zen_http_server``: ``zen-server --transport http`` as a real subprocess (SIGTERMed after).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from fakes.testing import FakeServer
from zen_server.config import Settings
from zen_server.server import ZenApp, build_app
from zen_server.tools.base import ToolResult

MODEL = "llama3.2"  # what the custom provider (CUSTOM_API_URL) serves
ZEN_SERVER = str(Path(sys.executable).with_name("zen-server"))
PROVIDER_KEYS = (
    "OPENAI_API_KEY",
    "GEMINI_API_KEY",
    "XAI_API_KEY",
    "OPENROUTER_API_KEY",
    "AZURE_OPENAI_API_KEY",
    "DIAL_API_KEY",
)


@dataclass
class TimedFake:
    """A running FakeServer plus the monotonic arrival time of each provider request."""

    server: FakeServer
    arrivals: list[float] = field(default_factory=list)

    @property
    def url(self) -> str:
        """Base URL for an OpenAI-compatible client (…/v1)."""
        return self.server.openai_base_url

    def requests(self) -> int:
        return int(self.server.engine.stats.snapshot(bodies=0)["requests"])

    def max_in_flight(self) -> int:
        return int(self.server.engine.stats.snapshot(bodies=0)["max_in_flight"])

    def faults(self, *faults: dict[str, Any], latency_ms: int | None = None) -> None:
        """Replace the default behaviour's faults (and latency), over the control API."""
        patch: dict[str, Any] = {"faults": list(faults)}
        if latency_ms is not None:
            patch["latency"] = {"fixed_ms": latency_ms}
        self.server.control.set_default(patch)


def _record_arrivals(fake: TimedFake) -> None:
    engine = fake.server.engine
    original = engine.exchange

    @contextmanager
    def exchange(request: Any) -> Iterator[Any]:
        if not engine.is_control(request.path):
            fake.arrivals.append(time.monotonic())
        with original(request) as script:
            yield script

    engine.exchange = exchange  # type: ignore[method-assign]


FakeFactory = Callable[..., TimedFake]


@pytest.fixture
def fakes() -> Iterator[FakeFactory]:
    started: list[FakeServer] = []

    def start(provider: str = "openai", *, latency_ms: int | None = None, **behaviour: Any) -> TimedFake:
        default: dict[str, Any] = dict(behaviour)
        if latency_ms is not None:
            default["latency"] = {"fixed_ms": latency_ms}
        server = FakeServer(provider, seed=5, behaviour={"default": default}).start()
        started.append(server)
        fake = TimedFake(server)
        _record_arrivals(fake)
        return fake

    try:
        yield start
    finally:
        for server in started:
            server.stop()


def settings_for(**values: Any) -> Settings:
    values.setdefault("log_level", "WARNING")
    return Settings(**values)


AppFactory = Callable[..., AbstractAsyncContextManager[ZenApp]]


@pytest.fixture
def zen_app() -> AppFactory:
    @asynccontextmanager
    async def running(**values: Any) -> AsyncIterator[ZenApp]:
        app = build_app(settings_for(**values))
        await app.start()
        try:
            yield app
        finally:
            await app.aclose()

    return running


def chat_args(prompt: str = "hello", **extra: Any) -> dict[str, Any]:
    return {"prompt": prompt, "model": MODEL, "working_directory_absolute_path": "/tmp", **extra}


@dataclass(frozen=True)
class Timed:
    result: ToolResult
    seconds: float
    started: float

    @property
    def ok(self) -> bool:
        return self.result.status != "error"

    @property
    def error_type(self) -> str | None:
        return self.result.metadata.get("error_type") if not self.ok else None


ChatCall = Callable[..., Coroutine[Any, Any, Timed]]


@pytest.fixture
def chat_call() -> ChatCall:
    counter = iter(range(1_000_000))

    async def call(
        app: ZenApp, prompt: str = "hello", *, session_id: str | None = None, **extra: Any
    ) -> Timed:
        started = time.monotonic()
        result = await app.executor.call(
            "chat", chat_args(prompt, **extra), session_id=session_id, request_id=f"it-{next(counter)}"
        )
        return Timed(result, time.monotonic() - started, started)

    return call


# --- zen-server as a real process -------------------------------------------------------
def child_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PROVIDER_KEYS and not k.startswith("ZEN_")}
    env.update({"LOG_LEVEL": "WARNING", **extra, "PYTHONUNBUFFERED": "1"})
    return env


@dataclass
class ZenProcess:
    url: str
    base: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@contextmanager
def _zen_process(env: dict[str, str], port: int, log: Path) -> Iterator[ZenProcess]:
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [ZEN_SERVER, "--transport", "http", "--host", "127.0.0.1", "--port", str(port)],
            env=child_env(env),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=log_file,
        )
        server = ZenProcess(f"http://127.0.0.1:{port}/mcp", f"http://127.0.0.1:{port}", process, log)
        try:
            deadline = time.monotonic() + 20
            while True:
                if process.poll() is not None:
                    raise AssertionError(f"zen-server exited with {process.returncode}: {server.output()}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{server.base}/health", timeout=1).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise AssertionError(f"zen-server never answered /health: {server.output()}")
                time.sleep(0.1)
            yield server
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@pytest.fixture
def zen_http_server(
    unused_port: int, tmp_path: Path
) -> Callable[[dict[str, str]], AbstractAsyncContextManager[ZenProcess]]:
    @asynccontextmanager
    async def start(env: dict[str, str]) -> AsyncIterator[ZenProcess]:
        with _zen_process(env, unused_port, tmp_path / "zen-server.log") as server:
            yield server

    return start
