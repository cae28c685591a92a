"""The micro-benchmarks' report: one pytest-benchmark run against the committed baseline.

    python -m harness.bench_report compare runs/bench/<commit>.json   # report; exit 1 on a regression
    python -m harness.bench_report baseline runs/bench/<commit>.json  # make that run the baseline

``nox -s bench`` runs the benchmarks in ``benchmarks/micro`` with pytest-benchmark, saves
the run as JSON under ``runs/bench/`` named by its commit, then calls ``compare``: a table
of each benchmark's median now and in ``benchmarks/baseline.json``, their ratio, and the
load average while the run was taken (the machine is shared, so a figure without its load
says little). A median more than ``DEFAULT_TOLERANCE`` times the baseline's is a
regression; the tolerance is generous on purpose, because timings on a loaded machine
wander. ``baseline`` copies a run's medians (not its raw samples) into the committed file;
it is the only command that writes there.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.outputs import run_dir

BASELINE = Path("benchmarks/baseline.json")
DEFAULT_TOLERANCE = 2.0  # a median twice the baseline's fails: noise on this machine stays under it
OUT = run_dir("bench")


@dataclass(frozen=True)
class Comparison:
    name: str
    baseline_s: float | None
    now_s: float | None

    @property
    def ratio(self) -> float | None:
        if self.baseline_s is None or self.now_s is None or self.baseline_s <= 0:
            return None
        return self.now_s / self.baseline_s

    def regressed(self, tolerance: float) -> bool:
        ratio = self.ratio
        return ratio is not None and ratio > tolerance


def medians(run: dict[str, Any]) -> dict[str, float]:
    """Benchmark name -> median seconds, from a pytest-benchmark JSON run or a baseline file."""
    return {bench["name"]: float(bench["stats"]["median"]) for bench in run["benchmarks"]}


def compare(baseline: dict[str, Any], run: dict[str, Any]) -> list[Comparison]:
    """Every benchmark of either side, in the run's order; a missing side stays None."""
    base, now = medians(baseline), medians(run)
    names = list(now) + [name for name in base if name not in now]
    return [Comparison(name, base.get(name), now.get(name)) for name in names]


def baseline_from(run: dict[str, Any]) -> dict[str, Any]:
    """What the committed baseline keeps of a run: where and when, and each median (no raw samples)."""
    info = run.get("machine_info", {})
    return {
        "commit": run.get("commit_info", {}).get("id"),
        "datetime": run.get("datetime"),
        "machine": {key: info.get(key) for key in ("node", "machine", "python_version", "loadavg")},
        "benchmarks": [
            {
                "name": bench["name"],
                "stats": {"median": bench["stats"]["median"], "rounds": bench["stats"]["rounds"]},
            }
            for bench in run["benchmarks"]
        ],
    }


def _ns(value: float | None) -> str:
    return "-" if value is None else f"{value * 1e9:,.0f}"


def markdown(
    comparisons: list[Comparison], run: dict[str, Any], baseline: dict[str, Any], tolerance: float
) -> str:
    regressions = [c for c in comparisons if c.regressed(tolerance)]
    verdict = "FAIL" if regressions else "PASS"
    load_now = run.get("machine_info", {}).get("loadavg")
    load_then = baseline.get("machine", {}).get("loadavg")
    lines = [
        "# Micro-benchmarks against the baseline",
        "",
        f"**{verdict}**: {len(regressions)} of {len(comparisons)} medians above {tolerance:g}x the baseline.",
        "",
        f"Run: commit {run.get('commit_info', {}).get('id', '?')}, {run.get('datetime', '?')}, "
        f"load average (1, 5, 15 min) {load_now}.",
        f"Baseline: commit {baseline.get('commit', '?')}, {baseline.get('datetime', '?')}, "
        f"load average {load_then}.",
        "",
        "| benchmark | baseline median (ns) | median now (ns) | ratio | |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for c in comparisons:
        ratio = "-" if c.ratio is None else f"{c.ratio:.2f}"
        mark = "regressed" if c.regressed(tolerance) else ("new" if c.baseline_s is None else "")
        lines.append(f"| {c.name} | {_ns(c.baseline_s)} | {_ns(c.now_s)} | {ratio} | {mark} |")
    return "\n".join(lines) + "\n"


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m harness.bench_report", description=__doc__.splitlines()[0]
    )
    parser.add_argument("action", choices=["compare", "baseline"])
    parser.add_argument("run", type=Path, help="a pytest-benchmark --benchmark-json file")
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE, help="allowed median ratio")
    parser.add_argument("--out", type=Path, default=OUT, help="report folder (default runs/bench)")
    args = parser.parse_args(argv)
    run = _load(args.run)
    if args.action == "baseline":
        args.baseline.write_text(json.dumps(baseline_from(run), indent=1) + "\n", encoding="utf-8")
        print(f"baseline written to {args.baseline} from {args.run}")
        return 0
    baseline = _load(args.baseline)
    comparisons = compare(baseline, run)
    report = markdown(comparisons, run, baseline, args.tolerance)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.md").write_text(report, encoding="utf-8")
    print(report, end="")
    print(f"report in {args.out / 'report.md'} (load average now {os.getloadavg()})")
    return 1 if any(c.regressed(args.tolerance) for c in comparisons) else 0


if __name__ == "__main__":
    sys.exit(main())
