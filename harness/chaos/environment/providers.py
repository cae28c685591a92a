"""The scenario's fake providers: one ``zen-fakes`` process each, driven by its control API.

The async face over the launcher's ``FakeProcessSet`` (which starts and stops them, as it
does for load, gates and leaks); what chaos adds is steering them while the scenario runs.

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

from harness.chaos.errors import ActionError, EnvironmentStartError
from harness.chaos.scenario import ProviderSpec
from harness.launcher import LaunchError
from harness.launcher.fake_processes import FakeProcessSet

RECENT_BODIES = 5000
CONTROL_TIMEOUT_S = 5.0


class FakeProviders:
    """Starts, steers and stops the fakes; implements the actions' ``ProviderControl``."""

    def __init__(self, specs: list[ProviderSpec], workdir: Path, *, seed: int) -> None:
        self._specs = {spec.name: spec for spec in specs}
        self._set = FakeProcessSet(workdir, seed=seed)
        self._fakes = self._set.fakes  # name -> fakes.testing.FakeProviderProcess, while running
        self._http = httpx.AsyncClient(timeout=CONTROL_TIMEOUT_S)

    def starting_behaviour(self, name: str) -> dict[str, Any]:
        return {"recent_bodies": RECENT_BODIES, **self._specs[name].behaviour}

    async def start(self) -> None:
        wanted = {name: (spec.kind, self.starting_behaviour(name)) for name, spec in self._specs.items()}
        try:
            await anyio.to_thread.run_sync(self._set.start_all, wanted)
        except LaunchError as exc:
            raise EnvironmentStartError(str(exc)) from exc

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
        await anyio.to_thread.run_sync(self._set.stop_all)
