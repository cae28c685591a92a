"""One typed client for the Toxiproxy HTTP API, async and sync, for any server speaking it.

It drives the embedded proxy (``harness.proxy.EmbeddedToxiproxy``, in-process or as a
``zen-harness proxy`` subprocess) and a real ``toxiproxy-server`` alike; which one is
chosen by URL: an explicit ``url``, else ``TOXIPROXY_URL``, else ``http://127.0.0.1:8474``.
``open_toxiproxy()`` picks for you: the server at ``TOXIPROXY_URL`` when set, otherwise an
embedded one started on the running loop for the duration of the ``async with``.

API refusals raise ``harness.errors.ToxiproxyAPIError`` leaves (400 ``ToxiproxyBadRequest``,
404 ``ToxiproxyNotFound``, 409 ``ToxiproxyConflict``); no answer at all raises
``ToxiproxyUnavailable``.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Generic, Literal, Self, TypeVar

import httpx

from harness.errors import ToxiproxyUnavailable, api_error_for

ENV_URL = "TOXIPROXY_URL"
DEFAULT_URL = "http://127.0.0.1:8474"
Stream = Literal["upstream", "downstream"]
T = TypeVar("T")


def resolve_url(url: str | None = None) -> str:
    """The explicit URL, else $TOXIPROXY_URL, else Toxiproxy's default address."""
    return (url or os.environ.get(ENV_URL) or DEFAULT_URL).rstrip("/")


@dataclass(frozen=True)
class ToxicInfo:
    name: str
    type: str
    stream: str
    toxicity: float
    attributes: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ToxicInfo:
        return cls(
            name=str(data["name"]),
            type=str(data["type"]),
            stream=str(data.get("stream", "downstream")),
            toxicity=float(data.get("toxicity", 1.0)),
            attributes={str(k): int(v) for k, v in (data.get("attributes") or {}).items()},
        )


@dataclass(frozen=True)
class ProxyInfo:
    name: str
    listen: str
    upstream: str
    enabled: bool
    toxics: tuple[ToxicInfo, ...] = ()

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ProxyInfo:
        return cls(
            name=str(data["name"]),
            listen=str(data["listen"]),
            upstream=str(data["upstream"]),
            enabled=bool(data["enabled"]),
            toxics=tuple(ToxicInfo.from_json(t) for t in data.get("toxics") or []),
        )

    @property
    def listen_address(self) -> tuple[str, int]:
        """(host, port) to connect a client to; an all-interfaces listen maps to loopback."""
        host, _, port = self.listen.rpartition(":")
        host = host.strip("[]")
        return ("127.0.0.1" if host in ("", "0.0.0.0", "::") else host), int(port)


@dataclass(frozen=True)
class _Call(Generic[T]):
    """One API request and how to read its answer; shared by the async and sync clients."""

    method: str
    path: str
    parse: Callable[[httpx.Response], T]
    body: object = None


def _nothing(response: httpx.Response) -> None:
    return None


def _version(response: httpx.Response) -> str:
    # 2.7+ answers {"version": "..."}; older servers answered the bare version text.
    try:
        return str(response.json()["version"])
    except (ValueError, KeyError, TypeError):
        return response.text.strip()


def _check(response: httpx.Response) -> httpx.Response:
    if response.status_code < 400:
        return response
    try:
        message = str(json.loads(response.text)["error"])
    except (ValueError, KeyError, TypeError):
        message = response.text.strip() or response.reason_phrase
    raise api_error_for(message, response.status_code)


def _opt(**values: object) -> dict[str, object]:
    return {k: v for k, v in values.items() if v is not None}


class _Calls:
    """The API, as request descriptions."""

    @staticmethod
    def version() -> _Call[str]:
        return _Call("GET", "/version", _version)

    @staticmethod
    def proxies() -> _Call[dict[str, ProxyInfo]]:
        return _Call("GET", "/proxies", lambda r: {k: ProxyInfo.from_json(v) for k, v in r.json().items()})

    @staticmethod
    def proxy(name: str) -> _Call[ProxyInfo]:
        return _Call("GET", f"/proxies/{name}", lambda r: ProxyInfo.from_json(r.json()))

    @staticmethod
    def create_proxy(name: str, upstream: str, listen: str, enabled: bool) -> _Call[ProxyInfo]:
        body = {"name": name, "upstream": upstream, "listen": listen, "enabled": enabled}
        return _Call("POST", "/proxies", lambda r: ProxyInfo.from_json(r.json()), body)

    @staticmethod
    def update_proxy(name: str, **fields: object) -> _Call[ProxyInfo]:
        return _Call("PATCH", f"/proxies/{name}", lambda r: ProxyInfo.from_json(r.json()), _opt(**fields))

    @staticmethod
    def delete_proxy(name: str) -> _Call[None]:
        return _Call("DELETE", f"/proxies/{name}", _nothing)

    @staticmethod
    def populate(proxies: list[dict[str, object]]) -> _Call[list[ProxyInfo]]:
        parse: Callable[[httpx.Response], list[ProxyInfo]] = lambda r: [  # noqa: E731
            ProxyInfo.from_json(p) for p in r.json().get("proxies") or []
        ]
        return _Call("POST", "/populate", parse, proxies)

    @staticmethod
    def reset() -> _Call[None]:
        return _Call("POST", "/reset", _nothing)

    @staticmethod
    def toxics(proxy: str) -> _Call[list[ToxicInfo]]:
        return _Call("GET", f"/proxies/{proxy}/toxics", lambda r: [ToxicInfo.from_json(t) for t in r.json()])

    @staticmethod
    def add_toxic(
        proxy: str,
        type: str,
        attributes: Mapping[str, int],
        stream: Stream,
        toxicity: float,
        name: str | None,
    ) -> _Call[ToxicInfo]:
        body = _opt(name=name, type=type, stream=stream, toxicity=toxicity, attributes=dict(attributes))
        return _Call("POST", f"/proxies/{proxy}/toxics", lambda r: ToxicInfo.from_json(r.json()), body)

    @staticmethod
    def update_toxic(
        proxy: str, name: str, attributes: Mapping[str, int] | None, toxicity: float | None
    ) -> _Call[ToxicInfo]:
        body = _opt(attributes=dict(attributes) if attributes is not None else None, toxicity=toxicity)
        return _Call(
            "PATCH", f"/proxies/{proxy}/toxics/{name}", lambda r: ToxicInfo.from_json(r.json()), body
        )

    @staticmethod
    def remove_toxic(proxy: str, name: str) -> _Call[None]:
        return _Call("DELETE", f"/proxies/{proxy}/toxics/{name}", _nothing)


class ToxiproxyClient:
    """Async client. ``async with ToxiproxyClient(url) as toxiproxy: ...``."""

    def __init__(self, url: str | None = None, *, timeout: float = 30.0) -> None:
        self.url = resolve_url(url)
        self._http = httpx.AsyncClient(base_url=self.url, timeout=timeout)

    async def _run(self, call: _Call[T]) -> T:
        try:
            response = await self._http.request(call.method, call.path, json=call.body)
        except httpx.TransportError as exc:
            raise ToxiproxyUnavailable(f"no Toxiproxy API at {self.url}: {exc!r}") from exc
        return call.parse(_check(response))

    async def version(self) -> str:
        return await self._run(_Calls.version())

    async def proxies(self) -> dict[str, ProxyInfo]:
        return await self._run(_Calls.proxies())

    async def proxy(self, name: str) -> ProxyInfo:
        return await self._run(_Calls.proxy(name))

    async def create_proxy(
        self, name: str, upstream: str, *, listen: str = "127.0.0.1:0", enabled: bool = True
    ) -> ProxyInfo:
        return await self._run(_Calls.create_proxy(name, upstream, listen, enabled))

    async def update_proxy(
        self,
        name: str,
        *,
        listen: str | None = None,
        upstream: str | None = None,
        enabled: bool | None = None,
    ) -> ProxyInfo:
        return await self._run(_Calls.update_proxy(name, listen=listen, upstream=upstream, enabled=enabled))

    async def enable(self, name: str) -> ProxyInfo:
        return await self.update_proxy(name, enabled=True)

    async def disable(self, name: str) -> ProxyInfo:
        """Stop listening and cut the proxy's open connections."""
        return await self.update_proxy(name, enabled=False)

    async def delete_proxy(self, name: str) -> None:
        await self._run(_Calls.delete_proxy(name))

    async def populate(self, proxies: list[dict[str, object]]) -> list[ProxyInfo]:
        return await self._run(_Calls.populate(proxies))

    async def reset(self) -> None:
        """Enable every proxy and remove every toxic."""
        await self._run(_Calls.reset())

    async def toxics(self, proxy: str) -> list[ToxicInfo]:
        return await self._run(_Calls.toxics(proxy))

    async def add_toxic(
        self,
        proxy: str,
        type: str,
        attributes: Mapping[str, int] | None = None,
        *,
        stream: Stream = "downstream",
        toxicity: float = 1.0,
        name: str | None = None,
    ) -> ToxicInfo:
        return await self._run(_Calls.add_toxic(proxy, type, attributes or {}, stream, toxicity, name))

    async def update_toxic(
        self,
        proxy: str,
        name: str,
        *,
        attributes: Mapping[str, int] | None = None,
        toxicity: float | None = None,
    ) -> ToxicInfo:
        return await self._run(_Calls.update_toxic(proxy, name, attributes, toxicity))

    async def remove_toxic(self, proxy: str, name: str) -> None:
        await self._run(_Calls.remove_toxic(proxy, name))

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


class SyncToxiproxyClient:
    """Blocking twin of ``ToxiproxyClient`` (same methods, same errors)."""

    def __init__(self, url: str | None = None, *, timeout: float = 30.0) -> None:
        self.url = resolve_url(url)
        self._http = httpx.Client(base_url=self.url, timeout=timeout)

    def _run(self, call: _Call[T]) -> T:
        try:
            response = self._http.request(call.method, call.path, json=call.body)
        except httpx.TransportError as exc:
            raise ToxiproxyUnavailable(f"no Toxiproxy API at {self.url}: {exc!r}") from exc
        return call.parse(_check(response))

    def version(self) -> str:
        return self._run(_Calls.version())

    def proxies(self) -> dict[str, ProxyInfo]:
        return self._run(_Calls.proxies())

    def proxy(self, name: str) -> ProxyInfo:
        return self._run(_Calls.proxy(name))

    def create_proxy(
        self, name: str, upstream: str, *, listen: str = "127.0.0.1:0", enabled: bool = True
    ) -> ProxyInfo:
        return self._run(_Calls.create_proxy(name, upstream, listen, enabled))

    def update_proxy(
        self,
        name: str,
        *,
        listen: str | None = None,
        upstream: str | None = None,
        enabled: bool | None = None,
    ) -> ProxyInfo:
        return self._run(_Calls.update_proxy(name, listen=listen, upstream=upstream, enabled=enabled))

    def enable(self, name: str) -> ProxyInfo:
        return self.update_proxy(name, enabled=True)

    def disable(self, name: str) -> ProxyInfo:
        return self.update_proxy(name, enabled=False)

    def delete_proxy(self, name: str) -> None:
        self._run(_Calls.delete_proxy(name))

    def populate(self, proxies: list[dict[str, object]]) -> list[ProxyInfo]:
        return self._run(_Calls.populate(proxies))

    def reset(self) -> None:
        self._run(_Calls.reset())

    def toxics(self, proxy: str) -> list[ToxicInfo]:
        return self._run(_Calls.toxics(proxy))

    def add_toxic(
        self,
        proxy: str,
        type: str,
        attributes: Mapping[str, int] | None = None,
        *,
        stream: Stream = "downstream",
        toxicity: float = 1.0,
        name: str | None = None,
    ) -> ToxicInfo:
        return self._run(_Calls.add_toxic(proxy, type, attributes or {}, stream, toxicity, name))

    def update_toxic(
        self,
        proxy: str,
        name: str,
        *,
        attributes: Mapping[str, int] | None = None,
        toxicity: float | None = None,
    ) -> ToxicInfo:
        return self._run(_Calls.update_toxic(proxy, name, attributes, toxicity))

    def remove_toxic(self, proxy: str, name: str) -> None:
        self._run(_Calls.remove_toxic(proxy, name))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


@asynccontextmanager
async def open_toxiproxy(url: str | None = None) -> AsyncIterator[ToxiproxyClient]:
    """A client for ``url`` or $TOXIPROXY_URL; without either, for an embedded proxy on this loop."""
    from harness.proxy.embedded import EmbeddedToxiproxy  # only needed without a real server

    chosen = url or os.environ.get(ENV_URL)
    embedded = None if chosen else EmbeddedToxiproxy()
    if embedded is not None:
        chosen = await embedded.start()
    try:
        async with ToxiproxyClient(chosen) as client:
            await client.version()  # fail now, with the URL in the message, if nothing answers
            yield client
    finally:
        if embedded is not None:
            await embedded.stop()
