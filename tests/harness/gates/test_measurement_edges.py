"""Measurements at their edges: missing inputs, broken or slow children, partial figures.

The child processes a measurement starts (``python -m harness.chaos``, pytest) are replaced by
tiny scripts through ``MeasureContext.python``, so each edge is pinned in milliseconds.
"""

from __future__ import annotations

import contextlib
import json
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness.gates.errors import NotMeasured
from harness.gates.metrics import MeasureContext, chaos, concurrency, coverage, test_suite


@dataclass
class FakePythonContext(MeasureContext):
    """A context whose ``python`` is a script standing in for the interpreter."""

    fake_python: str = sys.executable

    @property
    def python(self) -> str:
        return self.fake_python


def fake_python(tmp_path: Path, body: str) -> str:
    """An executable that runs ``body`` with ``argv`` = the arguments after the interpreter."""
    script = tmp_path / "fake_python"
    script.write_text(f"#!{sys.executable}\nimport sys, json, time, pathlib\nargv = sys.argv[1:]\n" + body)
    script.chmod(0o755)
    return str(script)


def context(tmp_path: Path, body: str = "", **kwargs: Any) -> FakePythonContext:
    ctx = FakePythonContext(out_dir=tmp_path / "out", repo_root=tmp_path, log=lambda _: None, **kwargs)
    ctx.out_dir.mkdir(exist_ok=True)
    if body:
        ctx.fake_python = fake_python(tmp_path, textwrap.dedent(body))
    return ctx


# --- chaos -----------------------------------------------------------------------------------

CHAOS_WRITES_SUMMARY = """
reports = pathlib.Path(argv[argv.index("--reports") + 1])
reports.mkdir(parents=True, exist_ok=True)
(reports.parent / "argv.json").write_text(json.dumps(argv))
print("shedding: load for 8s", flush=True)
print("PASS shedding (12.5s)", flush=True)
print("FAIL outage (13.0s)", flush=True)
(reports / "summary.json").write_text(json.dumps({"scenarios": [
    {"name": "shedding", "passed": True},
    {"name": "outage", "passed": False, "failed": ["fallback used"]},
    {"name": "herd", "passed": False, "errors": ["server died"]},
]}))
sys.exit(1)
"""


def test_chaos_with_a_missing_scenario_file_is_not_measured(tmp_path: Path) -> None:
    params = chaos.Params(kind="chaos", scenarios=["scenarios/nope.yaml"])
    with pytest.raises(NotMeasured, match=r"scenario files missing: .*scenarios/nope.yaml"):
        chaos.measure(params, context(tmp_path))


def test_chaos_counts_red_and_errored_scenarios_and_names_why(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("x: 1\n")
    ctx = context(tmp_path, CHAOS_WRITES_SUMMARY, server_command=["srv", "--http", "{port}"])
    said: list[str] = []
    ctx.log = said.append
    result = chaos.measure(chaos.Params(kind="chaos", scenarios=["a.yaml"], time_scale=0.5), ctx)
    # Each scenario's result is shown as the run goes; the whole output is in the log file.
    assert said == ["  chaos: PASS shedding (12.5s)", "  chaos: FAIL outage (13.0s)"]
    assert "shedding: load for 8s" in (ctx.out_dir / "logs" / "chaos.log").read_text()
    assert result.values == {"scenarios": 3, "failed": 2, "passed": 1, "not_applicable": 0}
    assert result.notes == ["outage: red (fallback used)", "herd: red (server died)"]
    assert result.details["exit_code"] == 1
    argv = json.loads((ctx.out_dir / "argv.json").read_text())
    assert argv[:3] == ["-m", "harness.chaos", str(tmp_path / "a.yaml")]
    assert argv[argv.index("--time-scale") + 1] == "0.5"
    # Another server under test goes to the chaos run as its HTTP target.
    assert argv[argv.index("--target-command") + 1] == "srv --http {port}"
    assert argv[argv.index("--target-transport") + 1] == "http"


def test_a_chaos_run_without_summary_is_not_measured_even_with_a_stale_one(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("x: 1\n")
    ctx = context(tmp_path, "sys.exit(2)\n")
    stale = ctx.out_dir / "chaos" / "summary.json"
    stale.parent.mkdir(parents=True)
    stale.write_text(json.dumps({"scenarios": [{"name": "old", "passed": True}]}))
    with pytest.raises(NotMeasured, match=r"wrote no summary \(exit 2\)"):
        chaos.measure(chaos.Params(kind="chaos", scenarios=["a.yaml"]), ctx)
    assert not stale.exists()


# --- test_suite ------------------------------------------------------------------------------

JUNIT_CLEAN = """
junit = next(a.split("=", 1)[1] for a in argv if a.startswith("--junitxml="))
pathlib.Path(junit).write_text('<testsuite tests="5" failures="0" errors="0" skipped="1"/>')
sys.exit({code})
"""


def test_pytest_breaking_without_failed_tests_counts_as_a_failure(tmp_path: Path) -> None:
    ctx = context(tmp_path, JUNIT_CLEAN.format(code=4))
    result = test_suite.measure(test_suite.Params(kind="test_suite"), ctx)
    assert result.values == {"tests": 5, "failed": 1, "skipped": 1, "exit_code": 4}
    assert result.notes == ["pytest exited 4 without failed tests in the XML"]


def test_a_clean_pytest_run_has_no_failures(tmp_path: Path) -> None:
    ctx = context(tmp_path, JUNIT_CLEAN.format(code=0))
    result = test_suite.measure(test_suite.Params(kind="test_suite"), ctx)
    assert result.values == {"tests": 5, "failed": 0, "skipped": 1, "exit_code": 0}
    assert result.notes == []


def test_a_suite_running_past_its_budget_is_not_measured(tmp_path: Path) -> None:
    ctx = context(tmp_path, "time.sleep(30)\n")
    with pytest.raises(NotMeasured, match=r"ran past 0\.3s"):
        test_suite.measure(test_suite.Params(kind="test_suite", budget_s=0.3), ctx)


def test_a_given_junit_file_is_read_instead_of_running_the_suite(tmp_path: Path) -> None:
    junit = tmp_path / "ci.xml"
    junit.write_text('<testsuites><testsuite tests="3" failures="1" errors="1"/></testsuites>')
    ctx = context(tmp_path, "raise SystemExit('must not run')\n", junit=junit)
    result = test_suite.measure(test_suite.Params(kind="test_suite"), ctx)
    assert result.values == {"tests": 3, "failed": 2, "skipped": 0}
    assert result.notes == [f"read from {junit} (a run made before the gate)"]


# --- coverage --------------------------------------------------------------------------------

COVERAGE_WRITES_JSON = """
out = next(a.split(":", 1)[1] for a in argv if a.startswith("--cov-report=json:"))
pathlib.Path(out).write_text(json.dumps({
    "totals": {"num_branches": 10, "covered_branches": 9, "num_statements": 4, "covered_lines": 4},
    "files": {"pkg/a.py": {"summary": {"num_branches": 10, "covered_branches": 9}},
              "docs/b.py": {"summary": {"num_branches": 0, "covered_branches": 0}}},
}))
"""


def test_coverage_runs_the_suite_when_no_json_is_given_and_plots_packages_with_branches(
    tmp_path: Path,
) -> None:
    ctx = context(tmp_path, COVERAGE_WRITES_JSON)
    result = coverage.measure(coverage.Params(kind="coverage"), ctx)
    assert result.values["branch_pct"] == pytest.approx(90.0)
    assert result.values["line_pct"] == pytest.approx(100.0)
    assert result.details["per_package"]["docs"] == {"covered": 0, "branches": 0}
    assert [p.name for p in result.plots] == ["coverage_by_package.png"]
    assert (ctx.out_dir / "coverage_by_package.png").stat().st_size > 0


def test_coverage_json_that_was_never_written_is_not_measured(tmp_path: Path) -> None:
    with pytest.raises(NotMeasured, match="no coverage data at"):
        coverage.measure(coverage.Params(kind="coverage"), context(tmp_path, "sys.exit(0)\n"))
    given = tmp_path / "absent.json"
    with pytest.raises(NotMeasured, match=f"no coverage data at {given}"):
        coverage.measure(coverage.Params(kind="coverage"), context(tmp_path, coverage_json=given))


def test_coverage_suite_past_its_budget_is_not_measured(tmp_path: Path) -> None:
    ctx = context(tmp_path, "time.sleep(30)\n")
    with pytest.raises(NotMeasured, match=r"the suite under coverage ran past 0\.3s"):
        coverage.measure(coverage.Params(kind="coverage", budget_s=0.3), ctx)


# --- concurrency (the stack and the load replaced; the figures logic is what is pinned) ------


def row(level: int, *, errors: int = 0, p95: float | None = 0.5) -> dict[str, Any]:
    return {
        "concurrency": level,
        "completed": level - errors,
        "errors": errors,
        "p50_s": p95,
        "p95_s": p95,
        "p99_s": p95,
        "max_s": p95,
        "wall_s": 1.0,
        "provider_max_in_flight": level,
    }


@pytest.fixture
def fake_stack(monkeypatch: pytest.MonkeyPatch) -> Any:
    @contextlib.contextmanager
    def serving(*_: Any, **__: Any) -> Iterator[object]:
        yield object()

    monkeypatch.setattr(concurrency, "serving", serving)

    def install(rows: list[dict[str, Any]], error: Exception | None = None) -> None:
        async def run_levels(params: Any, running: Any, workdir: str, out: list[dict[str, Any]]) -> None:
            out.extend(rows)
            if error is not None:
                raise error

        monkeypatch.setattr(concurrency, "_run_levels", run_levels)

    return install


def test_a_failed_teardown_keeps_the_figures_already_measured(tmp_path: Path, fake_stack: Any) -> None:
    fake_stack([row(100, errors=3), row(10)], ConnectionError("session closed"))
    params = concurrency.Params(kind="concurrency", levels=[10, 25, 100])
    result = concurrency.measure(params, context(tmp_path))
    assert result.values["completed"] == 97
    assert result.values["errors"] == 3
    assert result.notes == [
        "after measuring, closing the sessions failed: ConnectionError: session closed",
        "levels [25] not run: a lower level already had failures",
    ]
    assert [p.name for p in result.plots] == ["latency_vs_concurrency.png"]


def test_a_failure_before_any_figure_is_raised(tmp_path: Path, fake_stack: Any) -> None:
    fake_stack([], ConnectionError("server never answered"))
    with pytest.raises(ConnectionError, match="server never answered"):
        concurrency.measure(concurrency.Params(kind="concurrency"), context(tmp_path))


def test_levels_without_latencies_draw_no_plot(tmp_path: Path, fake_stack: Any) -> None:
    fake_stack([row(5, errors=5, p95=None)])
    result = concurrency.measure(
        concurrency.Params(kind="concurrency", concurrent=5, levels=[5]), context(tmp_path)
    )
    assert result.values["p95_s"] is None
    assert result.plots == []
    assert result.notes == []


# --- memory soak (the stack and the load replaced; figures, error rate and notes pinned) -----


@dataclass
class Outcome:
    ok: bool


def fake_soak(
    monkeypatch: pytest.MonkeyPatch, samples: list[tuple[float, float]], outcomes: list[Outcome]
) -> list[float]:
    from harness.gates.metrics import memory

    durations: list[float] = []

    @contextlib.contextmanager
    def serving(*_: Any, **__: Any) -> Iterator[object]:
        class Server:
            pid = 1

        class Running:
            url = "http://x/mcp"
            server = Server()

        yield Running()

    async def soak(
        params: Any, url: str, pid: int, warmup_s: float, soak_s: float, workdir: str
    ) -> tuple[Any, list[Outcome]]:
        durations.append(soak_s)
        sampler = memory.RssSampler.__new__(memory.RssSampler)
        sampler.samples = samples
        return sampler, outcomes

    monkeypatch.setattr(memory, "serving", serving)
    monkeypatch.setattr(memory, "_soak", soak)
    return durations


def test_memory_soak_reports_growth_after_warm_up_and_the_error_rate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.gates.metrics import memory

    samples = [(0.0, 50.0), (5.0, 80.0), (20.0, 90.0), (40.0, 85.0)]
    durations = fake_soak(monkeypatch, samples, [Outcome(True)] * 3 + [Outcome(False)])
    params = memory.Params(kind="memory_soak", warmup_s=5, duration_s=35, full_duration_s=300)
    result = memory.measure(params, context(tmp_path))
    assert durations == [35]
    assert result.values["growth_mb"] == 5.0  # 85 at the end - 80 when warm-up ended; start-up excluded
    assert result.values["peak_growth_mb"] == 10.0
    assert result.values["calls"] == 4 and result.values["error_rate"] == 0.25
    assert result.notes == ["CI soak of 35s; the plan's 300s is `--full`"]
    assert [p.name for p in result.plots] == ["memory_over_time.png"]


def test_the_full_memory_soak_runs_the_plans_duration_and_no_calls_has_no_error_rate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.gates.metrics import memory

    durations = fake_soak(monkeypatch, [(10.0, 1.0), (11.0, 1.0)], [])
    params = memory.Params(kind="memory_soak", warmup_s=5, duration_s=35, full_duration_s=300)
    result = memory.measure(params, context(tmp_path, full=True))
    assert durations == [300]
    assert result.values["error_rate"] is None
    assert result.notes == []


def test_a_full_soak_with_its_own_warm_up_measures_growth_from_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.gates.metrics import memory

    # Minute 5 to the end: the climb while the store fills (before 300 s) is not growth.
    samples = [(0.0, 50.0), (200.0, 90.0), (300.0, 100.0), (1800.0, 103.0)]
    durations = fake_soak(monkeypatch, samples, [Outcome(True)])
    params = memory.Params(
        kind="memory_soak", warmup_s=10, full_warmup_s=300, duration_s=60, full_duration_s=1500
    )
    labelled = params.model_copy(update={"label": "memory_store_full"})
    assert [p.name for p in memory.measure(labelled, context(tmp_path)).plots] == [
        "memory_store_full_over_time.png"
    ]  # two soaks in one phase keep their own plots
    full = memory.measure(params, context(tmp_path, full=True))
    assert full.values["growth_mb"] == 3.0
    assert [p.name for p in full.plots] == ["memory_over_time.png"]
    assert durations == [60, 1500]  # the labelled CI soak, then the full one
    assert (
        memory.measure(params, context(tmp_path)).values["growth_mb"] == 13.0
    )  # CI: from the first sample after 10 s
