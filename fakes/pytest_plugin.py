"""pytest fixtures for fake providers. Enable with `pytest_plugins = ["fakes.pytest_plugin"]`.

- `fake_openai`, `fake_gemini`, `fake_jules`: a `FakeServer` on a free 127.0.0.1 port (real HTTP).
- `fake_respx`: a factory mounting fakes on a respx router, in-process:

      async def test_retry(fake_respx):
          fake = fake_respx("openai", base_url="https://api.openai.test")
          fake.engine.set_behaviour(ProviderBehaviour.model_validate({...}))
          ... an httpx.AsyncClient against https://api.openai.test ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import respx

from fakes.engine import FakeEngine
from fakes.engines import engine_for
from fakes.respx_routes import mount_fake
from fakes.spec import ProviderBehaviour, parse_model
from fakes.testing import FakeServer

DEFAULT_BASE_URLS = {
    "openai": "https://api.openai.com",
    "gemini": "https://generativelanguage.googleapis.com",
    "jules": "https://jules.googleapis.com",
}


@dataclass
class RespxFake:
    """One fake mounted on respx: drive `engine` directly; `route.calls` lists what was sent."""

    engine: FakeEngine
    base_url: str
    route: Any


RespxFactory = Callable[..., RespxFake]


@pytest.fixture
def fake_openai() -> Iterator[FakeServer]:
    with FakeServer("openai") as server:
        yield server


@pytest.fixture
def fake_gemini() -> Iterator[FakeServer]:
    with FakeServer("gemini") as server:
        yield server


@pytest.fixture
def fake_jules() -> Iterator[FakeServer]:
    with FakeServer("jules") as server:
        yield server


@pytest.fixture
def fake_respx() -> Iterator[RespxFactory]:
    """Factory: `fake_respx(provider, base_url=None, behaviour=None, seed=0) -> RespxFake`."""
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as router:

        def mount(
            provider: str,
            *,
            base_url: str | None = None,
            behaviour: ProviderBehaviour | dict[str, Any] | None = None,
            seed: int = 0,
        ) -> RespxFake:
            if isinstance(behaviour, dict):
                behaviour = parse_model(ProviderBehaviour, behaviour, "behaviour")
            engine = engine_for(provider, behaviour, seed=seed)
            url = base_url or DEFAULT_BASE_URLS[provider]
            return RespxFake(engine, url, mount_fake(router, engine, url))

        yield mount
