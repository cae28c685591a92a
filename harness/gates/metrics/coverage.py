"""Branch coverage of the test suite (coverage.py JSON), with a bar per package.

Reads ``--coverage-json FILE`` (what ``nox -s coverage`` writes) or runs the suite under
pytest-cov itself. ``branch_pct`` = covered branches / all branches * 100; ``line_pct`` is
reported beside it. The per-package bars show where the missing branches are.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from harness.gates import plots
from harness.gates.errors import NotMeasured
from harness.gates.metrics.base import MeasureContext, Measurement, MeasureParams


class Params(MeasureParams):
    kind: Literal["coverage"]
    pytest_args: list[str] = Field(default_factory=lambda: ["-q"])
    limit_pct: float = 90.0  # drawn on the plot; the gate's own target is in gates.yaml
    budget_s: float = Field(default=2400.0, gt=0)


def branch_figures(data: dict[str, Any]) -> tuple[dict[str, float | int], dict[str, tuple[int, int]]]:
    """Totals and (covered, all) branches per top-level package from coverage.py JSON."""
    totals = data.get("totals", {})
    branches = int(totals.get("num_branches", 0))
    covered = int(totals.get("covered_branches", 0))
    if branches == 0:
        raise NotMeasured("the coverage data has no branches: was it measured with branch=True?")
    statements = int(totals.get("num_statements", 0))
    per_package: dict[str, tuple[int, int]] = {}
    for name, info in data.get("files", {}).items():
        package = Path(name).parts[0] if Path(name).parts else name
        summary = info.get("summary", {})
        hit, total = per_package.get(package, (0, 0))
        per_package[package] = (
            hit + int(summary.get("covered_branches", 0)),
            total + int(summary.get("num_branches", 0)),
        )
    figures: dict[str, float | int] = {
        "branch_pct": 100.0 * covered / branches,
        "line_pct": 100.0 * int(totals.get("covered_lines", 0)) / statements if statements else 0.0,
        "branches": branches,
        "covered_branches": covered,
    }
    return figures, per_package


def _run_suite(params: Params, ctx: MeasureContext, out: Path) -> None:
    command = [
        ctx.python,
        "-m",
        "pytest",
        "--cov",
        "--cov-branch",
        f"--cov-report=json:{out}",
        *params.pytest_args,
    ]
    log = ctx.out_dir / "logs" / "pytest-cov.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    ctx.log(f"coverage: {' '.join(command[2:])}")
    with open(log, "wb") as handle:
        try:
            subprocess.run(
                command, cwd=ctx.repo_root, stdout=handle, stderr=subprocess.STDOUT, env=ctx.child_env(),
                timeout=params.budget_s, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired as exc:
            raise NotMeasured(f"the suite under coverage ran past {params.budget_s:g}s; see {log}") from exc


def measure(params: Params, ctx: MeasureContext) -> Measurement:
    started = time.monotonic()
    source = ctx.coverage_json
    notes: list[str] = []
    if source is None:
        source = ctx.out_dir / "coverage.json"
        source.unlink(missing_ok=True)
        _run_suite(params, ctx, source)
    else:
        notes.append(f"read from {source} (a run made before the gate)")
    if not source.is_file():
        raise NotMeasured(f"no coverage data at {source}")
    figures, per_package = branch_figures(json.loads(source.read_text()))
    result = Measurement(
        values=dict(figures),
        details={
            "per_package": {k: {"covered": c, "branches": b} for k, (c, b) in sorted(per_package.items())}
        },
        notes=notes,
        duration_s=time.monotonic() - started,
    )
    shown = {k: 100.0 * c / b for k, (c, b) in sorted(per_package.items()) if b}
    if shown:
        path = ctx.out_dir / "coverage_by_package.png"
        title = f"Branch coverage per package (target {params.limit_pct:g}%)"
        result.plots.append(
            plots.bars(
                list(shown), list(shown.values()), params.limit_pct, path, title=title, ylabel="% branches"
            )
        )
    return result
