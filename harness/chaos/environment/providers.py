"""The scenario's fake providers: one ``zen-fakes`` process each, driven by its control API.

Each fake starts with the scenario's behaviour (plus a large ``recent_bodies`` so the
integrity check can read what the target sent); ``set_behaviour`` PATCHes it at run time
and ``reset`` PUTs the starting behaviour back without clearing the recorded requests.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import anyio
import httpx
import yaml

from harness.chaos.errors import ActionError, EnvironmentStartError
from harness.chaos.scenario import ProviderSpec

RECENT_BODIES = 5000
CONTROL_TIMEOUT_S = 5.0


class FakeProviders:
    """Starts, steers and stops the fakes; implements the actions' ``ProviderControl``."""

    def __init__(self, specs: list[ProviderSpec], workdir: Path, *, seed: int) -> None:
        self._specs = {spec.name: spec for spec in specs}
        self._workdir = workdir
        self._seed = seed
        self._fakes: dict[str, Any] = {}  # name -> fakes.testing.FakeProviderProcess
        self._http = httpx.AsyncClient(timeout=CONTROL_TIMEOUT_S)

    def starting_behaviour(self, name: str) -> dict[str, Any]:
        return {"recent_bodies": RECENT_BODIES, **self._specs[name].behaviour}

    async def start(self) -> None:
        from fakes.testing import FakeProviderProcess  # imported late: fakes is optional for parsing

        for name, spec in self._specs.items():
            file = self._workdir / f"fake-{name}.yaml"
            file.write_text(yaml.safe_dump({"providers": {spec.kind: self.starting_behaviour(name)}}))
            fake = FakeProviderProcess(spec.kind, behaviour_file=file, seed=self._seed)
            try:
                await anyio.to_thread.run_sync(fake.start)
            except Exception as exc:
                raise EnvironmentStartError(
                    f"fake provider {name!r} ({spec.kind}) did not start: {exc}"
                ) from exc
            self._fakes[name] = fake

    def address(self, name: str) -> str:
        """host:port of the fake, for a proxy's upstream."""
        fake = self._fakes[name]
        return f"{fake.host}:{fake.port}"

    def base_url(self, name: str) -> str:
        return str(self._fakes[name].base_url)

    async def _control(self, name: str, method: str, path: str, body: Any = None) -> Any:
        if name not in self._fakes:
            raise ActionError(f"no fake provider named {name!r}")
        url = f"{self.base_url(name)}/_fake/{path}"
        try:
            response = await self._http.request(method, url, json=body)
        except httpx.HTTPError as exc:
            raise ActionError(f"fake {name!r} control {method} {path} failed: {exc}") from exc
        if response.status_code >= 300:
            raise ActionError(f"fake {name!r} refused {method} {path}: {response.text[:300]}")
        return response.json()

    async def set_behaviour(self, provider: str, behaviour: Mapping[str, Any]) -> None:
        await self._control(provider, "PATCH", "behaviour", dict(behaviour))

    async def reset(self, provider: str | None = None) -> None:
        for name in [provider] if provider else list(self._fakes):
            await self._control(name, "PUT", "behaviour", self.starting_behaviour(name))

    async def stats(self, name: str, *, bodies: int = 0) -> dict[str, Any]:
        result: dict[str, Any] = await self._control(name, "GET", f"stats?bodies={bodies}")
        return result

    async def request_log(self) -> list[tuple[str, str, float, int]]:
        """(provider, body as JSON text, wall-clock arrival, status answered) for every recorded
        request, all fakes: the provider's side of the run, for integrity and retry spacing."""
        out: list[tuple[str, str, float, int]] = []
        for name in self._fakes:
            stats = await self.stats(name, bodies=RECENT_BODIES)
            for call in stats.get("recent", []):
                body = json.dumps(call.get("body"), ensure_ascii=False)
                out.append((name, body, float(call.get("at") or 0.0), int(call.get("status") or 0)))
        return out

    async def stop(self) -> None:
        await self._http.aclose()
        for fake in self._fakes.values():
            await anyio.to_thread.run_sync(fake.stop)
        self._fakes.clear()
