"""The one fake-provider set: real ``zen-fakes`` processes, all started or none left running."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from fakes.testing import FakeProviderProcess
from harness.launcher import FakeProviders, LaunchError
from harness.launcher.fake_processes import FakeProcessSet


def test_a_fake_that_fails_to_start_stops_the_ones_already_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fakes = FakeProcessSet(tmp_path, seed=1)
    started: list[FakeProviderProcess] = []
    start = fakes.start

    def recording_start(name: str, kind: str, behaviour: Mapping[str, Any]) -> FakeProviderProcess:
        fake = start(name, kind, behaviour)
        started.append(fake)
        return fake

    monkeypatch.setattr(fakes, "start", recording_start)
    with pytest.raises(LaunchError, match=r"fake provider 'broken' \(no-such-dialect\) did not start"):
        fakes.start_all(
            {
                "primary": ("openai", {"default": {"latency": {"fixed_ms": 0}}}),
                "broken": ("no-such-dialect", {}),
            }
        )
    assert fakes.fakes == {}
    # The first fake really ran, from the behaviour file written for it, and is gone now.
    assert [fake.provider for fake in started] == ["openai"]
    assert started[0].process is not None and started[0].process.poll() is not None
    written = json.loads((tmp_path / "fake-primary.json").read_text())
    assert written == {"providers": {"openai": {"default": {"latency": {"fixed_ms": 0}}}}}


def test_sync_face_runs_one_fake_per_dialect_with_the_behaviour_given() -> None:
    with FakeProviders({"latency": {"fixed_ms": 0}}, kinds=("openai", "gemini"), seed=2) as fakes:
        assert set(fakes.fakes) == {"openai", "gemini"}
        processes = [fake.process for fake in fakes.fakes.values()]
        env = fakes.env()
        health = httpx.get(f"{fakes.fakes['openai'].base_url}/_fake/stats", timeout=5)
        assert health.status_code == 200
        assert env["OPENAI_BASE_URL"].startswith("http://127.0.0.1:")
    assert all(process is not None and process.poll() is not None for process in processes)
    assert fakes.fakes == {}
