"""The fake providers of a load, gate or leak run: one ``zen-fakes`` process per dialect.

Each starts with one behaviour (``fakes.testing.FakeProviderProcess``); ``env()`` gives the
variables that point the server under test at them (and, through ``server_environment``,
at nothing real). Chaos scenarios steer their fakes at run time and use
``harness.chaos.environment.FakeProviders``, which wires through the same functions.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Self

from harness.launcher.environment import fake_provider_env

DEFAULT_MODEL = "gpt-5"
GEMINI_DEFAULT_MODEL = "gemini-2.5-flash"


class FakeProviders:
    """Fake OpenAI (and optionally Gemini) providers, each in its own process."""

    def __init__(
        self, behaviour: Mapping[str, Any], kinds: Sequence[str] = ("openai",), seed: int = 0
    ) -> None:
        from fakes.testing import FakeProviderProcess

        self._dir = tempfile.TemporaryDirectory(prefix="zen-load-fakes-")
        self.fakes: dict[str, FakeProviderProcess] = {}
        for kind in kinds:
            path = Path(self._dir.name) / f"{kind}.json"
            path.write_text(json.dumps({"providers": {kind: {"default": dict(behaviour)}}}))
            self.fakes[kind] = FakeProviderProcess(kind, behaviour_file=path, seed=seed)

    def start(self) -> Self:
        started: list[Any] = []
        try:
            for fake in self.fakes.values():
                fake.start()
                started.append(fake)
        except Exception:
            for fake in started:
                fake.stop()
            raise
        return self

    def stop(self) -> None:
        for fake in self.fakes.values():
            fake.stop()
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
