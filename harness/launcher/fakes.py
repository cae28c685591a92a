"""The fake providers of a load, gate or leak run: one ``zen-fakes`` process per dialect.

Each starts with one behaviour; ``env()`` gives the variables that point the server under
test at them (and, through ``server_environment``, at nothing real). Chaos scenarios steer
their fakes at run time through ``harness.chaos.environment.FakeProviders``, the async face
over the same ``FakeProcessSet`` that starts and stops these.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from harness.launcher.environment import fake_provider_env
from harness.launcher.fake_processes import FakeProcessSet

if TYPE_CHECKING:
    from fakes.testing import FakeProviderProcess

DEFAULT_MODEL = "gpt-5"
GEMINI_DEFAULT_MODEL = "gemini-2.5-flash"


class FakeProviders:
    """Fake OpenAI (and optionally Gemini) providers, each in its own process."""

    def __init__(
        self, behaviour: Mapping[str, Any], kinds: Sequence[str] = ("openai",), seed: int = 0
    ) -> None:
        self._behaviour = dict(behaviour)
        self._kinds = tuple(kinds)
        self._dir = tempfile.TemporaryDirectory(prefix="zen-load-fakes-")
        self._set = FakeProcessSet(Path(self._dir.name), seed=seed)

    @property
    def fakes(self) -> dict[str, FakeProviderProcess]:
        """The running fakes by dialect ("openai", "gemini")."""
        return self._set.fakes

    def start(self) -> Self:
        self._set.start_all({kind: (kind, {"default": self._behaviour}) for kind in self._kinds})
        return self

    def stop(self) -> None:
        self._set.stop_all()
        self._dir.cleanup()

    def env(self) -> dict[str, str]:
        openai = self.fakes.get("openai")
        gemini = self.fakes.get("gemini")
        return provider_env(openai.openai_base_url if openai else None, gemini.base_url if gemini else None)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def provider_env(openai_url: str | None, gemini_url: str | None) -> dict[str, str]:
    """Variables pointing a Zen-style server at the fakes that run (and nothing real)."""
    urls = {name: url for name, url in (("openai", openai_url), ("gemini", gemini_url)) if url}
    return {"DEFAULT_MODEL": DEFAULT_MODEL if openai_url else GEMINI_DEFAULT_MODEL} | fake_provider_env(urls)


__all__ = ["DEFAULT_MODEL", "FakeProviders", "provider_env"]
