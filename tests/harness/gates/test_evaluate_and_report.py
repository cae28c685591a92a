"""Judging gates and writing the reports: pass, fail and never-green 'not measured'."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from harness.gates import evaluate
from harness.gates.errors import NotMeasured
from harness.gates.metrics import MeasureContext, Measurement
from harness.gates.report import markdown, write_reports
from harness.gates.spec import GatesFile
from harness.stamp import stamp

GATES = GatesFile.model_validate(
    {
        "measurements": {
            "fast": {"kind": "file_lines"},
            "slow": {"kind": "file_lines"},
            "broken": {"kind": "file_lines"},
        },
        "phases": {
            "p": {
                "title": "test phase",
                "gates": [
                    {
                        "name": "latency",
                        "measure": "fast",
                        "value": "p95_s",
                        "op": "<",
                        "target": 2,
                        "unit": "s",
                    },
                    {"name": "errors", "measure": "fast", "value": "errors", "op": "==", "target": 0},
                    {"name": "memory", "measure": "slow", "value": "growth_mb", "op": "<", "target": 100},
                    {"name": "crashy", "measure": "broken", "value": "x", "op": "==", "target": 0},
                ],
            }
        },
    }
)


def fake_measure(results: dict[str, Any]) -> Any:
    calls: list[str] = []

    def measure(name: str, params: dict[str, Any], ctx: MeasureContext) -> Measurement:
        calls.append(name)
        outcome = results[name]
        if isinstance(outcome, Exception):
            raise outcome
        assert isinstance(outcome, Measurement)
        return outcome

    measure.calls = calls  # type: ignore[attr-defined]
    return measure


def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, results: dict[str, Any]) -> evaluate.PhaseResult:
    measure = fake_measure(results)
    monkeypatch.setattr(evaluate, "measure", measure)
    result = evaluate.run_phase(GATES, "p", MeasureContext(out_dir=tmp_path, log=lambda _: None))
    assert measure.calls == ["fast", "slow", "broken"], "each measurement runs once, in gate order"
    return result


def test_every_gate_passing_makes_the_phase_green(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result = run(
        monkeypatch,
        tmp_path,
        {
            "fast": Measurement({"p95_s": 1.2, "errors": 0}),
            "slow": Measurement({"growth_mb": 30.0}),
            "broken": Measurement({"x": 0}),
        },
    )
    assert [o.verdict for o in result.outcomes] == ["pass"] * 4
    assert (result.verdict, result.exit_code) == ("green", 0)


def test_one_failing_gate_makes_the_phase_red_whatever_else(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    result = run(
        monkeypatch,
        tmp_path,
        {
            "fast": Measurement({"p95_s": 2.5, "errors": 0}),
            "slow": NotMeasured("no server"),
            "broken": Measurement({"x": 0}),
        },
    )
    verdicts = {o.gate.name: o.verdict for o in result.outcomes}
    assert verdicts == {"latency": "fail", "errors": "pass", "memory": "not measured", "crashy": "pass"}
    assert (result.verdict, result.exit_code) == ("red", 1)
    assert "p95_s = 2.5" in result.outcomes[0].reason


def test_unmeasured_or_crashed_measurements_are_never_green(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    result = run(
        monkeypatch,
        tmp_path,
        {
            "fast": Measurement({"p95_s": 1.0}),  # no "errors" figure
            "slow": NotMeasured("chaos runner missing"),
            "broken": RuntimeError("kaput"),
        },
    )
    verdicts = [o.verdict for o in result.outcomes]
    assert verdicts == ["pass", "not measured", "not measured", "not measured"]
    assert (result.verdict, result.exit_code) == ("incomplete", 3)
    assert result.unmeasured == {"slow": "chaos runner missing", "broken": "RuntimeError: kaput"}
    assert "no 'errors'" in result.outcomes[1].reason


def test_reports_carry_the_table_stamp_plots_and_figures(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plot = tmp_path / "latency.png"
    plot.write_bytes(b"png")
    result = run(
        monkeypatch,
        tmp_path,
        {
            "fast": Measurement({"p95_s": 1.5, "errors": 0}, plots=[plot], notes=["warm"]),
            "slow": Measurement({"growth_mb": 120.0}),
            "broken": Measurement({"x": 0}),
        },
    )
    made = stamp(Path.cwd())
    assert made["machine"]["cores"] >= 1 and made["machine"]["memory_gb"] > 0
    md_path, json_path = write_reports(result, made, tmp_path)
    text = md_path.read_text()
    assert "| memory | < 100 | 120 | **FAIL** |" in text
    assert "| latency | < 2 s | 1.5 s | pass |" in text
    assert "![latency](latency.png)" in text
    assert made["commit"] in text and "cores" in text
    data = json.loads(json_path.read_text())
    assert data["verdict"] == "red"
    assert data["measurements"]["fast"]["plots"] == ["latency.png"]
    assert data["gates"][2] == data["gates"][2] | {"metric": "memory", "verdict": "fail", "measured": 120.0}
    assert markdown(result, made).startswith("# p: test phase")


def test_a_long_measurement_is_never_silent(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    said: list[str] = []
    heard = threading.Event()

    def log(text: str) -> None:
        said.append(text)
        if "still measuring" in text:
            heard.set()

    def slow_measure(name: str, params: dict[str, Any], ctx: MeasureContext) -> Measurement:
        # Returns once progress has been printed: waits on that event, not on a clock.
        assert heard.wait(60), "no progress line while measuring"
        return Measurement({"p95_s": 1.0, "errors": 0, "growth_mb": 1.0, "x": 0})

    monkeypatch.setattr(evaluate, "measure", slow_measure)
    ctx = MeasureContext(out_dir=tmp_path, log=log)
    evaluate.run_phase(GATES, "p", ctx, progress_every_s=0.01)
    assert said[0] == "[p] measuring fast (file_lines)"
    assert any(line.startswith("[p] fast: still measuring, ") for line in said)
