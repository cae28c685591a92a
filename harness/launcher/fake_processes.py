"""The one way the harness starts and stops fake providers: a named set of ``zen-fakes`` processes.

Each fake gets its own behaviour file (kept in ``directory``, so a run's report can point at
what its fakes were told) and runs in its own process (``fakes.testing.FakeProviderProcess``).
The launcher's sync ``FakeProviders`` (one fake per dialect, for load, gates and leaks) and
chaos's steerable async ``FakeProviders`` (one fake per scenario provider, several may share
a dialect) are two faces over this set.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.launcher.errors import LaunchError

if TYPE_CHECKING:
    from fakes.testing import FakeProviderProcess


class FakeProcessSet:
    """Fakes by name; ``start_all`` starts every one or, when one fails, none stays running."""

    def __init__(self, directory: Path, *, seed: int = 0) -> None:
        self.directory = directory
        self.seed = seed
        self.fakes: dict[str, FakeProviderProcess] = {}

    def start(self, name: str, kind: str, provider_behaviour: Mapping[str, Any]) -> FakeProviderProcess:
        """Start fake ``name`` speaking ``kind``; ``provider_behaviour`` is its behaviour file entry."""
        from fakes.testing import FakeProviderProcess  # imported late: fakes is optional for parsing

        file = self.directory / f"fake-{name}.json"
        file.write_text(json.dumps({"providers": {kind: dict(provider_behaviour)}}))
        fake = FakeProviderProcess(kind, behaviour_file=file, seed=self.seed)
        try:
            fake.start()
        except Exception as exc:  # FakeServerError or OSError from Popen: both mean "did not start"
            raise LaunchError(f"fake provider {name!r} ({kind}) did not start: {exc}") from exc
        self.fakes[name] = fake
        return fake

    def start_all(self, wanted: Mapping[str, tuple[str, Mapping[str, Any]]]) -> None:
        """Start ``name -> (kind, provider behaviour)`` in order; on a failure stop those started."""
        try:
            for name, (kind, behaviour) in wanted.items():
                self.start(name, kind, behaviour)
        except LaunchError:
            self.stop_all()
            raise

    def stop_all(self) -> None:
        for fake in self.fakes.values():
            fake.stop()
        self.fakes.clear()


__all__ = ["FakeProcessSet"]
