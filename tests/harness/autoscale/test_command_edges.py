"""The --autoscale options: parsing, the loop settings they make, and the run until stopped."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest

from harness.autoscale import command
from harness.autoscale.command import add_autoscale_arguments, autoscale_until_stopped, loop_settings
from harness.autoscale.loop import Tick


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_autoscale_arguments(parser)
    return parser.parse_args(list(argv))


def test_defaults_make_a_reactive_free_policy() -> None:
    args = parse()
    assert args.autoscale is None and (args.min, args.max) == (1, 4)
    settings = loop_settings(parse("--autoscale", "reactive"))
    assert settings.strategy == "reactive"
    assert settings.policy.horizon_steps == 10 and settings.policy.season_steps is None
    assert (settings.interval_s, settings.up_window_s, settings.down_window_s) == (1.0, 0.0, 30.0)


def test_horizon_and_season_are_rounded_up_to_whole_ticks() -> None:
    args = parse("--autoscale", "predictive", "--interval", "2", "--horizon", "5", "--season", "61")
    settings = loop_settings(args)
    assert settings.policy.horizon_steps == 3
    assert settings.policy.season_steps == 31
    assert settings.policy.bounds.minimum == 1


def test_a_horizon_shorter_than_a_tick_still_looks_one_step_ahead() -> None:
    settings = loop_settings(parse("--autoscale", "reactive", "--interval", "5", "--horizon", "0"))
    assert settings.policy.horizon_steps == 1


def test_unknown_strategy_is_rejected() -> None:
    with pytest.raises(SystemExit):
        parse("--autoscale", "psychic")


class FakeExporter:
    def serve(self) -> int:
        return 4321


class FakeLoop:
    instances: list[FakeLoop] = []

    def __init__(self, cluster: Any, settings: Any, exporter: Any) -> None:
        self.settings = settings
        self.stopped = False
        self.ticks = [Tick(0.5, 1, 2.0, 3.0, None, None, 2, 0.0, "up")]
        FakeLoop.instances.append(self)

    async def run(self, stop: asyncio.Event) -> None:
        await stop.wait()
        self.stopped = True


@pytest.fixture
def fake_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    FakeLoop.instances = []
    monkeypatch.setattr(command, "ScalerExporter", FakeExporter)
    monkeypatch.setattr(command, "ScalingLoop", FakeLoop)
    monkeypatch.setattr(command, "ElasticCluster", lambda cluster: cluster)


async def test_stopping_stops_the_loop_and_writes_the_timeline(
    fake_loop: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    timeline = tmp_path / "timeline.json"
    args = parse("--autoscale", "predictive", "--max", "3", "--timeline", str(timeline))
    await autoscale_until_stopped(object(), args, asyncio.sleep(0))  # type: ignore[arg-type]
    (loop,) = FakeLoop.instances
    assert loop.stopped
    assert "predictive, 1-3 instances; http://127.0.0.1:4321/metrics" in capsys.readouterr().out
    written = json.loads(timeline.read_text())
    assert written["strategy"] == "predictive"
    assert (written["interval_s"], written["horizon_s"]) == (1.0, 10.0)
    assert written["ticks"][0]["recommended"] == 2 and written["ticks"][0]["reason"] == "up"


async def test_without_a_timeline_nothing_is_written_even_when_stopped_fails(
    fake_loop: None, tmp_path: Path
) -> None:
    async def failing() -> None:
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        await autoscale_until_stopped(object(), parse("--autoscale", "reactive"), failing())  # type: ignore[arg-type]
    assert FakeLoop.instances[0].stopped  # the loop is stopped on the way out
    assert os.listdir(tmp_path) == []
