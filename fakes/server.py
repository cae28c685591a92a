"""Running fakes: several providers on several ports in one asyncio loop, until told to stop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fakes._errors import FakeServerError
from fakes.engines import engine_for
from fakes.spec import ProviderBehaviour
from fakes.wire import WireServer


@dataclass(frozen=True)
class ListenSpec:
    """One fake to run: which provider, where, and how it behaves."""

    provider: str
    port: int
    host: str = "127.0.0.1"
    seed: int = 0
    behaviour: ProviderBehaviour | None = None


async def start_servers(specs: Sequence[ListenSpec]) -> list[WireServer]:
    """Bind every fake; on any failure stop the ones already bound and raise FakeServerError."""
    servers: list[WireServer] = []
    try:
        for spec in specs:
            server = WireServer(
                engine_for(spec.provider, spec.behaviour, seed=spec.seed), spec.host, spec.port
            )
            await server.start()
            servers.append(server)
    except OSError as exc:
        for server in servers:
            await server.stop()
        raise FakeServerError(f"cannot listen on {spec.host}:{spec.port}: {exc.strerror or exc}") from exc
    return servers


async def serve_until(
    specs: Sequence[ListenSpec],
    stop: asyncio.Event,
    on_ready: Callable[[list[WireServer]], None] | None = None,
) -> None:
    """Serve every fake until `stop` is set, then stop them all (hung requests included)."""
    servers = await start_servers(specs)
    try:
        if on_ready is not None:
            on_ready(servers)
        await stop.wait()
    finally:
        await asyncio.gather(*(server.stop() for server in servers))
