"""Fault proxies between the target and each fake, over the Toxiproxy HTTP API.

By default an embedded, API-compatible proxy runs in a background thread; with
``TOXIPROXY_URL`` set, the real toxiproxy-server there is used instead (its proxies are
created with scenario-specific names and deleted at the end).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import anyio
import httpx

from harness.chaos.errors import ActionError, EnvironmentStartError

API_TIMEOUT_S = 5.0


class FaultProxies:
    """One proxy per provider; implements the actions' ``ProxyControl``."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix  # keeps names apart on a shared toxiproxy-server
        self._embedded: Any = None
        self._url = os.environ.get("TOXIPROXY_URL", "").rstrip("/")
        self._http = httpx.AsyncClient(timeout=API_TIMEOUT_S)
        self._listen: dict[str, str] = {}
        self._toxics: dict[str, set[str]] = {}

    async def start(self, upstreams: Mapping[str, str]) -> dict[str, str]:
        """Create a proxy per provider name; returns name -> listen host:port."""
        if not self._url:
            from harness.proxy import EmbeddedToxiproxy

            self._embedded = EmbeddedToxiproxy()
            try:
                self._url = (await anyio.to_thread.run_sync(self._embedded.start_in_thread)).rstrip("/")
            except Exception as exc:
                raise EnvironmentStartError(f"the embedded fault proxy did not start: {exc}") from exc
        for name, upstream in upstreams.items():
            body = {"name": self._name(name), "listen": "127.0.0.1:0", "upstream": upstream, "enabled": True}
            created = await self._api("POST", "/proxies", body, starting=True)
            self._listen[name] = str(created["listen"])
            self._toxics[name] = set()
        return dict(self._listen)

    def _name(self, proxy: str) -> str:
        return f"{self._prefix}-{proxy}"

    async def _api(self, method: str, path: str, body: Any = None, *, starting: bool = False) -> Any:
        error = EnvironmentStartError if starting else ActionError
        try:
            response = await self._http.request(method, f"{self._url}{path}", json=body)
        except httpx.HTTPError as exc:
            raise error(f"toxiproxy API {method} {path} failed: {exc}") from exc
        if response.status_code >= 300:
            raise error(
                f"toxiproxy API refused {method} {path}: {response.status_code} {response.text[:300]}"
            )
        return response.json() if response.content else None

    def _check(self, proxy: str) -> None:
        if proxy not in self._listen:
            raise ActionError(f"no proxy named {proxy!r}; proxies: {', '.join(self._listen)}")

    async def add_toxic(
        self, proxy: str, *, name: str, type: str, stream: str, toxicity: float, attributes: Mapping[str, Any]
    ) -> None:
        self._check(proxy)
        body = {
            "name": name,
            "type": type,
            "stream": stream,
            "toxicity": toxicity,
            "attributes": dict(attributes),
        }
        await self._api("POST", f"/proxies/{self._name(proxy)}/toxics", body)
        self._toxics[proxy].add(name)

    async def remove_toxic(self, proxy: str, name: str) -> None:
        self._check(proxy)
        await self._api("DELETE", f"/proxies/{self._name(proxy)}/toxics/{name}")
        self._toxics[proxy].discard(name)

    async def remove_all_toxics(self) -> None:
        for proxy, names in self._toxics.items():
            for name in sorted(names):
                await self.remove_toxic(proxy, name)

    async def set_enabled(self, proxy: str, enabled: bool) -> None:
        self._check(proxy)
        await self._api("POST", f"/proxies/{self._name(proxy)}", {"enabled": enabled})

    async def stop(self) -> None:
        try:
            if self._embedded is None:  # a shared server: leave it as we found it
                for proxy in list(self._listen):
                    await self._api("DELETE", f"/proxies/{self._name(proxy)}")
        finally:
            await self._http.aclose()
            if self._embedded is not None:
                await anyio.to_thread.run_sync(self._embedded.stop_thread)
