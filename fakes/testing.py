"""Helpers other tests reuse: a fake in a background thread, a fake in a subprocess, a control client.

with FakeServer("openai", seed=7) as fake:          # in-process, free port
    client = openai.OpenAI(base_url=fake.openai_base_url, api_key="x")
    fake.control.set_model("gpt-5", {"faults": [{"kind": "error", "status": 500}]})
    assert fake.control.stats().max_in_flight == 1

with FakeProviderProcess("gemini") as fake:          # a real separate process
    ...
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx
from pydantic import BaseModel

from fakes._errors import ControlError, FakeServerError
from fakes.engines import engine_for
from fakes.spec import ProviderBehaviour, parse_model
from fakes.wire import WireServer

START_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class FakeStats:
    """GET /_fake/stats, typed."""

    requests: int
    in_flight: int
    max_in_flight: int
    by_status: dict[str, int]
    by_fault: dict[str, int]
    by_model: dict[str, int]
    recent: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FakeStats:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


def _jsonable(value: BaseModel | dict[str, Any]) -> dict[str, Any]:
    return value.model_dump(mode="json", exclude_unset=True) if isinstance(value, BaseModel) else value


class FakeControl:
    """A small synchronous client of a fake's control API (/_fake/*)."""

    def __init__(self, base_url: str, *, timeout_s: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._timeout_s = timeout_s

    def _call(self, method: str, path: str, body: Any = None, params: dict[str, Any] | None = None) -> Any:
        with httpx.Client(timeout=self._timeout_s) as client:
            response = client.request(method, f"{self.base_url}/_fake/{path}", json=body, params=params)
        if response.status_code >= 300:
            raise ControlError(response.status_code, response.text)
        return response.json()

    def health(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "health")
        return result

    def behaviour(self) -> ProviderBehaviour:
        return parse_model(ProviderBehaviour, self._call("GET", "behaviour"), "behaviour")

    def set_behaviour(self, behaviour: ProviderBehaviour | dict[str, Any]) -> None:
        """Replace the whole provider behaviour (default, models, listed_models...)."""
        self._call("PUT", "behaviour", _jsonable(behaviour))

    def patch_behaviour(self, patch: dict[str, Any]) -> None:
        """Merge: `default` changes only the fields given; each `models` entry replaces (None drops)."""
        self._call("PATCH", "behaviour", patch)

    def set_default(self, behaviour: BaseModel | dict[str, Any]) -> None:
        """Change the listed fields of the provider's default behaviour."""
        self.patch_behaviour({"default": _jsonable(behaviour)})

    def set_model(self, model: str, behaviour: BaseModel | dict[str, Any]) -> None:
        """Set one model's override (the fields it names replace the default's)."""
        self._call("PUT", f"behaviour/models/{model}", _jsonable(behaviour))

    def clear_model(self, model: str) -> None:
        self._call("DELETE", f"behaviour/models/{model}")

    def stats(self, bodies: int | None = None) -> FakeStats:
        params = None if bodies is None else {"bodies": bodies}
        return FakeStats.from_json(self._call("GET", "stats", params=params))

    def reset(self, *, behaviour: bool = False, seed: int | None = None) -> None:
        """Zero the stats and restart the seeded streams; `behaviour=True` restores the start behaviour."""
        self._call("POST", "reset", {"behaviour": behaviour, "seed": seed})

    def wait_for_in_flight(self, count: int, timeout_s: float = 10.0) -> FakeStats:
        """Poll until at least `count` requests are in flight at once; FakeServerError on timeout."""
        deadline = time.monotonic() + timeout_s
        while True:
            stats = self.stats(bodies=0)
            if stats.in_flight >= count:
                return stats
            if time.monotonic() > deadline:
                raise FakeServerError(
                    f"only {stats.in_flight} of {count} requests in flight after {timeout_s}s"
                )
            time.sleep(0.02)


class _Fake:
    """What both ways of running a fake share: URLs and the control client."""

    provider: str
    host: str
    port: int

    @property
    def base_url(self) -> str:
        """The server root: Gemini clients use this as their base URL."""
        return f"http://{self.host}:{self.port}"

    @property
    def openai_base_url(self) -> str:
        """What an OpenAI client takes as base_url (the root plus /v1)."""
        return f"{self.base_url}/v1"

    @property
    def jules_base_url(self) -> str:
        """What a Jules client takes as its API base (the root plus /v1alpha)."""
        return f"{self.base_url}/v1alpha"

    @property
    def control(self) -> FakeControl:
        return FakeControl(self.base_url)


class FakeServer(_Fake):
    """A fake provider served from a background thread with its own event loop."""

    def __init__(
        self,
        provider: str = "openai",
        *,
        behaviour: ProviderBehaviour | dict[str, Any] | None = None,
        seed: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if isinstance(behaviour, dict):
            behaviour = parse_model(ProviderBehaviour, behaviour, "behaviour")
        self.provider = provider
        self.host = host
        self.port = port
        self.engine = engine_for(provider, behaviour, seed=seed)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None

    def start(self) -> Self:
        self._thread = threading.Thread(target=self._run, name=f"zen-fake-{self.provider}", daemon=True)
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT_S) or self._failure is not None:
            raise FakeServerError(f"fake {self.provider} did not start: {self._failure!r}")
        return self

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._main())
        except BaseException as exc:  # reported to start(); the thread must not die silently
            self._failure = exc
            self._ready.set()
        finally:
            loop.close()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        server = WireServer(self.engine, self.host, self.port)
        await server.start()
        self.port = server.port
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await server.stop()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop serving (hung requests are dropped) and join the thread."""
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop may close between check and call
                self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout_s)
            if self._thread.is_alive():
                raise FakeServerError(f"fake {self.provider} did not stop within {timeout_s}s")

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class FakeProviderProcess(_Fake):
    """A fake provider in its own process (`python -m fakes serve ...`), for whole-system tests."""

    def __init__(
        self,
        provider: str = "openai",
        *,
        behaviour_file: str | Path | None = None,
        seed: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
        env: dict[str, str] | None = None,
    ) -> None:
        self.provider = provider
        self.host = host
        self.port = port
        self._args = [sys.executable, "-m", "fakes", "serve", "--provider", provider, "--host", host]
        self._args += ["--port", str(port), "--seed", str(seed)]
        if behaviour_file is not None:
            self._args += ["--behaviour", str(behaviour_file)]
        self._env = {**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"}
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> Self:
        self.process = subprocess.Popen(
            self._args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self._env
        )
        line = self._first_line()
        # The CLI announces "zen-fakes: <provider> listening on http://host:port ..." once bound.
        try:
            self.port = int(line.split("listening on ", 1)[1].split()[0].rsplit(":", 1)[1])
        except (IndexError, ValueError) as exc:
            stderr = self._kill_and_collect()
            raise FakeServerError(f"fake process did not start: {line!r} {stderr[-2000:]}") from exc
        return self

    def _first_line(self) -> str:
        assert self.process is not None and self.process.stdout is not None
        result: list[str] = []
        reader = threading.Thread(target=lambda: result.append(self.process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
        reader.start()
        reader.join(START_TIMEOUT_S)
        if not result or not result[0]:
            stderr = self._kill_and_collect()
            raise FakeServerError(
                f"fake process gave no sign of life within {START_TIMEOUT_S}s: {stderr[-2000:]}"
            )
        return result[0]

    def _kill_and_collect(self) -> str:
        """End a process that failed to start and return what it wrote to stderr."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.kill()
        try:
            _, stderr = self.process.communicate(timeout=10)
        except (subprocess.TimeoutExpired, ValueError):
            stderr = ""
        return stderr or ""

    def stop(self, timeout_s: float = 10.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout_s)
        finally:
            for stream in (self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
