"""The scaling gate's measurement with scale-eval faked: command line, figures, failures."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from harness.gates.errors import NotMeasured
from harness.gates.metrics import scaling
from harness.gates.metrics.base import MeasureContext


def run(shed: tuple[int, int], cost: tuple[float, float] = (100.0, 80.0)) -> list[dict[str, Any]]:
    return [
        {"strategy": s, "shed": shed[i], "calls": 50, "p95_ms": 10.0 + i, "instance_seconds": cost[i],
         "mape_pct": 12.5 if s == "predictive" else None}
        for i, s in enumerate(("reactive", "predictive"))
    ]  # fmt: skip


class FakeScaleEval:
    def __init__(self, runs: dict[str, list[dict[str, Any]]], code: int = 0, write: bool = True) -> None:
        self.runs = runs
        self.code = code
        self.write = write
        self.commands: list[list[str]] = []

    def __call__(self, command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        self.commands.append(command)
        assert kwargs["env"]["ZEN_GATES_INNER"] == "1" and kwargs["timeout"] == 1800.0
        shape = command[command.index("--shape") + 1]
        out = Path(command[command.index("--out") + 1])
        if self.write:
            (out / shape).mkdir(parents=True, exist_ok=True)
            (out / shape / "summary.json").write_text(json.dumps({"runs": self.runs[shape]}))
        return subprocess.CompletedProcess(command, self.code)


def ctx(tmp_path: Path, full: bool = False) -> MeasureContext:
    return MeasureContext(out_dir=tmp_path, full=full, log=lambda _: None)


def test_figures_per_shape_and_the_ratios(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = FakeScaleEval({"scale-daily": run((10, 4)), "scale-ramp": run((0, 0)), "scale-spike": run((0, 3))})
    monkeypatch.setattr(subprocess, "run", fake)
    (tmp_path / "scaling" / "scale-daily").mkdir(parents=True)
    (tmp_path / "scaling" / "scale-daily" / "plot.png").write_bytes(b"png")
    result = scaling.measure(scaling.Params(kind="scaling"), ctx(tmp_path))
    v = result.values
    assert v["daily_shed_ratio"] == pytest.approx(0.4)
    assert v["ramp_shed_ratio"] == 0.0  # neither shed
    assert v["spike_shed_ratio"] is None  # only predictive shed: no ratio
    assert v["daily_cost_ratio"] == pytest.approx(0.8)
    assert v["daily_mape_pct"] == 12.5
    assert (v["daily_reactive_shed"], v["daily_predictive_p95_ms"]) == (10, 11.0)
    assert v["ramp_reactive_instance_s"] == 100.0
    assert result.plots == [tmp_path / "scaling" / "scale-daily" / "plot.png"]
    assert (
        len(result.notes) == 6
        and "scale-daily reactive: shed 10/50, p95 10.0 ms, 100 instance-s" in result.notes[0]
    )
    assert [c[c.index("--time-scale") + 1] for c in fake.commands] == ["0.5"] * 3
    assert fake.commands[0][fake.commands[0].index("--max") + 1] == "4"
    assert (tmp_path / "logs").is_dir()


def test_full_runs_use_the_full_time_scale_and_a_zero_reactive_cost(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = FakeScaleEval({"scale-ramp": run((0, 0), cost=(0.0, 5.0))})
    monkeypatch.setattr(subprocess, "run", fake)
    params = scaling.Params(kind="scaling", shapes=["scale-ramp"], full_time_scale=2.0)
    result = scaling.measure(params, ctx(tmp_path, full=True))
    assert fake.commands[0][fake.commands[0].index("--time-scale") + 1] == "2"
    assert result.values["ramp_cost_ratio"] == pytest.approx(5.0 / 1e-9)


def test_a_failing_run_is_not_measured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(subprocess, "run", FakeScaleEval({"scale-daily": run((1, 1))}, code=3))
    with pytest.raises(NotMeasured, match=r"scale-eval scale-daily failed \(exit 3\)"):
        scaling.measure(scaling.Params(kind="scaling", shapes=["scale-daily"]), ctx(tmp_path))


def test_a_stale_summary_does_not_count_as_a_result(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    stale = tmp_path / "scaling" / "scale-daily" / "summary.json"
    stale.parent.mkdir(parents=True)
    stale.write_text(json.dumps({"runs": run((1, 1))}))
    monkeypatch.setattr(subprocess, "run", FakeScaleEval({}, write=False))
    with pytest.raises(NotMeasured, match="failed \\(exit 0\\)"):
        scaling.measure(scaling.Params(kind="scaling", shapes=["scale-daily"]), ctx(tmp_path))
    assert not stale.exists()


def test_a_run_over_budget_is_not_measured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def too_slow(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        raise subprocess.TimeoutExpired(command, kwargs["timeout"])

    monkeypatch.setattr(subprocess, "run", too_slow)
    params = scaling.Params(kind="scaling", shapes=["scale-spike"], budget_s=7)
    with pytest.raises(NotMeasured, match="scale-eval scale-spike took over 7s"):
        scaling.measure(params, ctx(tmp_path))
