"""scale-eval's command and the evaluation loop, with the Locust run and the cluster faked."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import harness.autoscale.evaluate as evaluate_module
import harness.load.runner as load_runner
from harness.autoscale import scale_eval
from harness.autoscale.evaluate import StrategyRun, evaluate, plot
from harness.autoscale.recommend import STRATEGIES
from harness.errors import HarnessError
from harness.load.summary import LoadSummary


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    scale_eval.configure(parser)
    return parser.parse_args(argv)


def test_configure_defaults_and_rejects_an_unknown_shape() -> None:
    args = parse([])
    assert (args.shape, args.time_scale, args.max) == ("all", 1.0, 4)
    with pytest.raises(SystemExit):
        parse(["--shape", "scale-nope"])


def fake_run(strategy: str) -> StrategyRun:
    ticks = [{"t": 0.0, "demand": 1.0, "capacity": 2.0, "forecast": 1.5, "replicas": 1, "at_horizon": None}]
    return StrategyRun(strategy, 10, 2, 123.0, 30.0, 12.5, ticks)  # type: ignore[arg-type]


def test_run_writes_a_summary_and_a_plot_per_shape_and_prints_each_strategy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[tuple[str, float, int]] = []
    plotted: list[Path] = []

    def fake_evaluate(shape: str, out: Path, *, time_scale: float, maximum: int) -> list[StrategyRun]:
        assert out.is_dir()
        seen.append((shape, time_scale, maximum))
        return [fake_run(s) for s in STRATEGIES]

    monkeypatch.setattr(evaluate_module, "evaluate", fake_evaluate)
    monkeypatch.setattr(evaluate_module, "plot", lambda runs, path, title: plotted.append(path))
    args = parse(["--shape", "scale-ramp", "--time-scale", "0.5", "--max", "3", "--out", str(tmp_path)])
    assert scale_eval.run(args) == 0
    assert seen == [("scale-ramp", 0.5, 3)]
    assert plotted == [tmp_path / "scale-ramp" / "plot.png"]
    summary = json.loads((tmp_path / "scale-ramp" / "summary.json").read_text())
    assert summary["shape"] == "scale-ramp" and summary["time_scale"] == 0.5
    assert [r["strategy"] for r in summary["runs"]] == list(STRATEGIES)
    assert all("timeline" not in r for r in summary["runs"])
    out = capsys.readouterr().out
    assert out.count("scale-ramp") == len(STRATEGIES) and "MAPE 12.5" in out


def test_run_all_shapes_and_a_harness_error_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shapes: list[str] = []

    def failing(shape: str, out: Path, *, time_scale: float, maximum: int) -> list[StrategyRun]:
        shapes.append(shape)
        if shape == "scale-spike":
            raise HarnessError("cluster would not start")
        return []

    monkeypatch.setattr(evaluate_module, "evaluate", failing)
    monkeypatch.setattr(evaluate_module, "plot", lambda runs, path, title: None)
    assert scale_eval.run(parse(["--out", str(tmp_path)])) == 2
    assert shapes == list(scale_eval.SHAPES)
    assert "scale-eval: cluster would not start" in capsys.readouterr().err


def test_evaluate_runs_each_strategy_and_reads_its_timeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands: list[list[str]] = []

    def fake_run_profile(path: str, *, out_root: Path, time_scale: float, server_command: list[str]) -> Any:
        commands.append(server_command)
        timeline = Path(server_command[server_command.index("--timeline") + 1])
        assert not timeline.exists()  # a stale timeline from an earlier run is removed first
        if "predictive" in server_command:  # the other strategy leaves no timeline
            ticks = [
                {"t": 0.0, "demand": 2.0, "at_horizon": 4.0, "replicas": 2},
                {"t": 2.0, "demand": 4.0, "at_horizon": None, "replicas": 3},
            ]
            timeline.write_text(json.dumps({"ticks": ticks, "interval_s": 2.0, "horizon_s": 2.0}))
        return SimpleNamespace(summary=LoadSummary({"calls": 9, "failures": 1, "p95_ms": 50.0}))

    monkeypatch.setattr(load_runner, "run_profile", fake_run_profile)
    for strategy in STRATEGIES:  # a stale timeline must not be read back
        (tmp_path / strategy).mkdir()
        (tmp_path / strategy / "timeline.json").write_text('{"ticks": [{"bogus": 1}]}')
    runs = evaluate("scale-daily", tmp_path, time_scale=0.1, maximum=5)
    assert [r.strategy for r in runs] == list(STRATEGIES)
    assert all(r.calls == 9 and r.shed == 1 for r in runs)
    by_name = {r.strategy: r for r in runs}
    assert by_name["predictive"].instance_seconds == 10.0
    assert by_name["predictive"].mape_pct == pytest.approx(0.0)
    assert by_name["reactive"].timeline == [] and by_name["reactive"].mape_pct is None
    assert all("--season" in c and c[c.index("--max") + 1] == "5" for c in commands)


def test_evaluate_a_non_cyclic_shape_passes_no_season(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands: list[list[str]] = []

    def fake_run_profile(path: str, *, out_root: Path, time_scale: float, server_command: list[str]) -> Any:
        commands.append(server_command)
        return SimpleNamespace(summary=LoadSummary({}))

    monkeypatch.setattr(load_runner, "run_profile", fake_run_profile)
    runs = evaluate("scale-spike", tmp_path, time_scale=0.1, maximum=2)
    assert all(r.calls == 0 and r.shed == 0 and r.instance_seconds == 0 for r in runs)
    assert commands and all("--season" not in c for c in commands)


def test_plot_writes_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    path = tmp_path / "plot.png"
    plot([fake_run(s) for s in STRATEGIES], path, "title")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
