"""``EmbeddedToxiproxy``: the whole Toxiproxy-compatible server, in this process.

Start it on the running event loop (``await start()`` / ``async with``) when the caller is
asyncio code, or on a private loop in a daemon thread (``start_in_thread()`` / ``with``)
when the caller is synchronous or blocks (the official ``toxiproxy-python`` client uses
blocking ``requests``). ``url`` is the API's base URL with the real port once started.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from pathlib import Path
from types import TracebackType
from typing import Self

from harness.errors import ProxyConfigError, ToxiproxyAPIError
from harness.proxy.api import ToxiproxyApi
from harness.proxy.collection import ProxyCollection
from harness.proxy.http import HttpServer

THREAD_START_TIMEOUT = 10.0


def load_config(path: Path) -> object:
    """A config file's JSON (a list of proxies, as for POST /populate)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ProxyConfigError(f"cannot read proxy config {path}: {exc}") from exc


class EmbeddedToxiproxy:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, config: Path | None = None) -> None:
        self.host = host
        self.port = port
        self.config = config
        self.collection = ProxyCollection()
        self._http = HttpServer(ToxiproxyApi(self.collection))
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stop_requested: asyncio.Event | None = None
        self._started = False

    @property
    def url(self) -> str:
        if not self._started:
            raise RuntimeError("EmbeddedToxiproxy is not started; call start() or start_in_thread()")
        return f"http://{self.host}:{self.port}"

    # -- on the caller's loop ------------------------------------------------------

    async def start(self) -> str:
        """Listen on the running loop; returns the API URL. Proxies in ``config`` are created."""
        if self.config is not None:
            body = load_config(self.config)
            try:
                _, failure = await self.collection.populate(body)
            except ToxiproxyAPIError as exc:
                # Fix: populate *raises* for an invalid body (not a list, an entry without name
                # or upstream); that escaped as a bare "HTTP 400" ToxiproxyBadRequest instead of
                # the documented ProxyConfigError naming the file.
                failure = exc
            if failure is not None:
                await self.collection.clear()
                raise ProxyConfigError(f"proxy config {self.config}: {failure.message}")
        try:
            self.host, self.port = await self._http.start(self.host, self.port)
        except OSError as exc:
            await self.collection.clear()
            reason = os.strerror(exc.errno).lower() if exc.errno else str(exc)
            raise ToxiproxyAPIError(f"listen tcp {self.host}:{self.port}: bind: {reason}", 500) from exc
        self._loop = asyncio.get_running_loop()
        self._started = True
        return self.url

    async def stop(self) -> None:
        """Stop the API and every proxy, cutting open connections."""
        await self._http.stop()
        await self.collection.clear()
        self._started = False

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # -- on a background thread ----------------------------------------------------

    def start_in_thread(self) -> str:
        """Run on a private event loop in a daemon thread; returns the API URL when ready."""
        ready = threading.Event()
        failure: list[BaseException] = []

        async def main() -> None:
            self._stop_requested = asyncio.Event()
            try:
                await self.start()
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                return
            ready.set()
            try:
                await self._stop_requested.wait()
            finally:
                await self.stop()

        self._thread = threading.Thread(target=asyncio.run, args=(main(),), name="toxiproxy", daemon=True)
        self._thread.start()
        if not ready.wait(THREAD_START_TIMEOUT):
            raise ToxiproxyAPIError("embedded toxiproxy did not start in time", 500)
        if failure:
            self._thread.join(THREAD_START_TIMEOUT)
            raise failure[0]
        return self.url

    def stop_thread(self, timeout: float = 10.0) -> None:
        """Stop a proxy started with ``start_in_thread`` and wait for its thread."""
        loop, event, thread = self._loop, self._stop_requested, self._thread
        if loop is None or event is None or thread is None:
            return
        if not loop.is_closed():
            loop.call_soon_threadsafe(event.set)
        thread.join(timeout)
        self._thread = None

    def __enter__(self) -> Self:
        self.start_in_thread()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop_thread()
