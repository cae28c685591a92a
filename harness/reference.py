"""``zen-harness reference [KIND ...]``: publish finished runs as the committed reference reports.

Runs write under ``runs/`` (ignored by git); the reports linked from the README live under
``reports/`` and change only through this command, which copies a run's report files
(``*.md``, ``*.png``, ``*.json`` at the top of its folder; never logs or raw data) over the
reference of the same kind. It refuses a run that cannot stand as a reference:

- not stamped with a commit, or made with uncommitted changes (the stamp must name code
  anyone can check out);
- made against another server than zen_server;
- a gate phase that is incomplete (a gate not measured is never a reference figure);
- a chaos run that is not the whole library at full length (a one-scenario or ``--quick``
  run must not replace the library's summary).

A red run is published as it is: a reference says what the code does, not what we hoped.
Exit status 0 when everything asked for was published, 1 when something was refused, 2
for an unknown kind.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from harness.cli import Subcommand
from harness.errors import ReferenceRefused
from harness.outputs import REFERENCE, RUNS

DEFAULT_KINDS = ("chaos", "phase1", "phase2", "coverage")
# The seeded-defect catch matrix (nox -s mutants): published only when asked for by name.
HARNESS_TRUTH = "harness-truth"
KINDS = (*DEFAULT_KINDS, HARNESS_TRUTH)
RESULT_FILE = {kind: "summary.json" if kind == "chaos" else "results.json" for kind in DEFAULT_KINDS}
RESULT_FILE[HARNESS_TRUTH] = "matrix.json"
RUN_FOLDER = {HARNESS_TRUTH: "mutants"}  # runs/<folder> when it is not the kind's own name
REPORT_SUFFIXES = (".md", ".png", ".json")
RAW_DATA = frozenset({"coverage.json"})  # measurement input, not a report


def _read_results(kind: str, run: Path) -> dict[str, Any]:
    path = run / RESULT_FILE[kind]
    if not path.is_file():
        raise ReferenceRefused(f"no {path}: run it first (e.g. nox -s {kind})")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _check_stamp(results: dict[str, Any], run: Path) -> None:
    made = results.get("stamp") or {}
    if made.get("commit") in (None, "unknown"):
        raise ReferenceRefused(f"{run} is not stamped with a commit (made outside a git checkout?)")
    if made.get("dirty") is not False:
        raise ReferenceRefused(
            f"{run} was made with uncommitted changes at {made['commit'][:12]}: commit, then run again"
        )
    if results.get("target", "zen_server") != "zen_server":
        raise ReferenceRefused(f"{run} measured {results['target']}, not zen_server")


def library_names(scenarios: Path) -> set[str]:
    from harness.chaos.loader import load_scenario, scenario_files

    return {load_scenario(path).name for path in scenario_files([scenarios])}


def check_run(kind: str, run: Path, scenarios: Path) -> None:
    """Raise ReferenceRefused when the run in ``run`` cannot replace the ``kind`` reference."""
    results = _read_results(kind, run)
    _check_stamp(results, run)
    if kind == HARNESS_TRUTH:
        _check_matrix(results, run)
        return
    if kind != "chaos":
        if results.get("verdict") == "incomplete":
            unmeasured = ", ".join(results.get("not_measured") or {}) or "a gate"
            raise ReferenceRefused(f"{run}: {kind} is incomplete ({unmeasured} not measured)")
        return
    rows = results.get("scenarios") or []
    ran = {row["name"] for row in rows}
    expected = library_names(scenarios)
    if ran != expected:
        missing = sorted(expected - ran)
        raise ReferenceRefused(
            f"{run} ran {len(ran)} of the library's {len(expected)} scenarios"
            + (f" (missing {', '.join(missing)})" if missing else "")
            + f": run the whole library ({scenarios}/)"
        )
    scaled = sorted(row["name"] for row in rows if row.get("time_scale", 1.0) != 1.0)
    if scaled:
        raise ReferenceRefused(
            f"{run} ran {', '.join(scaled)} with a scaled timeline (--quick): run at full length"
        )


def _check_matrix(results: dict[str, Any], run: Path) -> None:
    """The whole catalogue, with its control run: a subset (--only, --rotate) is no reference."""
    from harness.mutants.catalogue import load_catalogue

    ran = {row["id"] for row in results.get("defects") or []}
    expected = {defect.id for defect in load_catalogue()}
    if ran != expected:
        raise ReferenceRefused(f"{run} ran {len(ran)} of the catalogue's {len(expected)} defects: run all")
    if results.get("control") is None:
        raise ReferenceRefused(f"{run} has no control run (--no-control): run it with the control")


def report_files(run: Path) -> list[Path]:
    return sorted(
        p for p in run.iterdir() if p.is_file() and p.suffix in REPORT_SUFFIXES and p.name not in RAW_DATA
    )


def publish(kind: str, run: Path, reference: Path) -> list[Path]:
    """Replace the reference's report files with the run's (stale ones are removed)."""
    reference.mkdir(parents=True, exist_ok=True)
    for old in report_files(reference):
        old.unlink()
    copied = []
    for source in report_files(run):
        shutil.copy2(source, reference / source.name)
        copied.append(reference / source.name)
    return copied


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "kinds", nargs="*", metavar="KIND", help=f"{' | '.join(KINDS)} (default: {', '.join(DEFAULT_KINDS)})"
    )
    parser.add_argument("--runs", type=Path, default=RUNS, help="where the runs are (default: runs)")
    parser.add_argument("--to", type=Path, default=REFERENCE, help="the reference root (default: reports)")
    parser.add_argument("--scenarios", type=Path, default=Path("scenarios"), help="the chaos library")


def run(args: argparse.Namespace) -> int:
    unknown = sorted(set(args.kinds) - set(KINDS))
    if unknown:
        print(
            f"zen-harness reference: unknown kind {', '.join(unknown)}; known: {', '.join(KINDS)}",
            file=sys.stderr,
        )
        return 2
    refused = 0
    for kind in args.kinds or DEFAULT_KINDS:
        source = args.runs / RUN_FOLDER.get(kind, kind)
        try:
            check_run(kind, source, args.scenarios)
        except ReferenceRefused as exc:
            print(f"refused {kind}: {exc}", file=sys.stderr)
            refused += 1
            continue
        copied = publish(kind, source, args.to / kind)
        verdict = _read_results(kind, source)
        state = verdict.get("verdict") or ("green" if verdict.get("passed") else "red")
        commit = str(verdict["stamp"]["commit"])[:12]
        print(f"published {kind} ({state}, commit {commit}): {len(copied)} files into {args.to / kind}/")
    return 1 if refused else 0


SUBCOMMAND = Subcommand(
    name="reference",
    help="Publish finished runs (runs/) as the committed reference reports (reports/), after checks.",
    configure=configure,
    run=run,
)
