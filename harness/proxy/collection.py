"""All proxies of one server, keyed by name: create, replace (populate), find, delete, reset.

Owns the integrity of the set (no duplicate names) and Toxiproxy's rules for populate:
validate every entry first, keep an existing proxy whose listen and upstream are
unchanged, replace one that differs.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from harness.errors import ToxiproxyAPIError, ToxiproxyBadRequest, ToxiproxyConflict, ToxiproxyNotFound
from harness.proxy import decoding
from harness.proxy.proxy import Proxy

PROXY_EXISTS = "proxy already exists"
PROXY_NOT_FOUND = "proxy not found"
MISSING_FIELD = "missing required field"


@dataclass(frozen=True)
class ProxySpec:
    """A proxy as a request describes it, before it exists."""

    name: str
    listen: str
    upstream: str
    enabled: bool


def parse_proxy_spec(body: object, where: str = "") -> ProxySpec:
    """Create/populate input with Toxiproxy's defaults (enabled) and required fields."""
    obj = decoding.require_object(body, "toxiproxy.Proxy")
    spec = ProxySpec(
        name=decoding.get_str(obj, "name", "Proxy", ""),
        listen=decoding.get_str(obj, "listen", "Proxy", ""),
        upstream=decoding.get_str(obj, "upstream", "Proxy", ""),
        enabled=decoding.get_bool(obj, "enabled", "Proxy", True),
    )
    if not spec.name:
        raise ToxiproxyBadRequest(f"{MISSING_FIELD}: name{where}")
    if not spec.upstream:
        raise ToxiproxyBadRequest(f"{MISSING_FIELD}: upstream{where}")
    return spec


class ProxyCollection:
    def __init__(self) -> None:
        self._proxies: dict[str, Proxy] = {}
        self._lock = asyncio.Lock()

    def proxies(self) -> dict[str, Proxy]:
        return dict(self._proxies)

    def get(self, name: str) -> Proxy:
        proxy = self._proxies.get(name)
        if proxy is None:
            raise ToxiproxyNotFound(PROXY_NOT_FOUND)
        return proxy

    async def add(self, spec: ProxySpec) -> Proxy:
        async with self._lock:
            if spec.name in self._proxies:
                raise ToxiproxyConflict(PROXY_EXISTS)
            proxy = Proxy(spec.name, spec.listen, spec.upstream)
            if spec.enabled:
                await proxy.start()  # a bind failure leaves the set unchanged
            self._proxies[spec.name] = proxy
            return proxy

    async def populate(self, body: object) -> tuple[list[Proxy], ToxiproxyAPIError | None]:
        """Create or replace many proxies; stops at the first failure, returning what was done."""
        entries = decoding.require_list(body, "[]struct { toxiproxy.Proxy }")
        specs = [parse_proxy_spec(entry, f" at proxy {index}") for index, entry in enumerate(entries, 1)]
        done: list[Proxy] = []
        async with self._lock:
            for spec in specs:
                try:
                    done.append(await self._add_or_replace(spec))
                except ToxiproxyAPIError as exc:
                    return done, exc
        return done, None

    async def _add_or_replace(self, spec: ProxySpec) -> Proxy:
        existing = self._proxies.get(spec.name)
        if existing is not None:
            if not existing.differs(spec.listen, spec.upstream):
                return existing
            await existing.stop()
        proxy = Proxy(spec.name, spec.listen, spec.upstream)
        if spec.enabled:
            await proxy.start()
        self._proxies[spec.name] = proxy
        return proxy

    async def remove(self, name: str) -> None:
        async with self._lock:
            proxy = self.get(name)
            await proxy.stop()
            del self._proxies[name]

    async def reset(self) -> None:
        """Enable every proxy and remove every toxic."""
        for proxy in self.proxies().values():
            await proxy.start()
            await proxy.toxics.reset()

    async def clear(self) -> None:
        async with self._lock:
            for proxy in self._proxies.values():
                await proxy.stop()
            self._proxies.clear()
