"""``zen-harness gate PHASE``: measure a phase's gates, print the table, write runs/PHASE/.

With ``--compare baseline:NAME`` the same gates are measured on that installed baseline
too (into ``<phase>/baseline-NAME/``) and ``report.md`` ends with a before/after table;
the exit status stays zen_server's. Exit status: 0 green (every gate passed), 1 red (a
gate failed), 3 incomplete (nothing failed but a gate could not be measured), 2 the gates
could not be evaluated at all (or the baseline to compare did not install or start).
"""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

from harness.cli import Subcommand, report_failure
from harness.errors import HarnessError
from harness.outputs import RUNS


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("phase", help="a phase of the gates file: phase1, phase2, coverage")
    parser.add_argument(
        "--gates", type=Path, default=None, help="gates file (default: harness/gates/gates.yaml)"
    )
    parser.add_argument(
        "--reports", type=Path, default=RUNS, help="report root; writes <root>/<phase>/ (default: runs)"
    )
    parser.add_argument(
        "--full", action="store_true", help="the plan's full durations (5-minute memory soak)"
    )
    parser.add_argument(
        "--server-cmd",
        default=None,
        help="an HTTP MCP server to gate instead of zen_server ({port}, {python})",
    )
    parser.add_argument(
        "--compare",
        metavar="baseline:NAME",
        default=None,
        help="measure that installed baseline too; the report gains a before/after table",
    )
    parser.add_argument("--junit", type=Path, default=None, help="JUnit XML of a suite run already made")
    parser.add_argument("--coverage-json", type=Path, default=None, help="coverage.py JSON already made")
    parser.add_argument(
        "--skip", action="append", default=[], help="a measurement not to make (not measured)"
    )


def run(args: argparse.Namespace) -> int:
    from harness.gates.compare import measure_baseline
    from harness.gates.evaluate import run_phase
    from harness.gates.metrics import MeasureContext
    from harness.gates.report import print_result, write_reports
    from harness.gates.spec import GATES_FILE, load_gates
    from harness.stamp import stamp

    try:
        gates = load_gates(args.gates or GATES_FILE)
        gates.phase(args.phase)
        out_dir = args.reports / args.phase
        ctx = MeasureContext(
            out_dir=out_dir,
            repo_root=Path.cwd(),
            full=args.full,
            server_command=shlex.split(args.server_cmd) if args.server_cmd else None,
            junit=args.junit,
            coverage_json=args.coverage_json,
        )
        result = run_phase(gates, args.phase, ctx, skip=frozenset(args.skip))
        if args.server_cmd:
            result.target = f"command: {args.server_cmd}"
    except HarnessError as exc:
        return report_failure("gate", exc)
    made = stamp(Path.cwd())
    md, _ = write_reports(result, made, out_dir)
    print_result(result)
    if args.compare:
        try:
            compared = measure_baseline(args.compare, gates, args.phase, ctx, frozenset(args.skip), made)
        except HarnessError as exc:
            return report_failure("gate", exc)
        with open(md, "a", encoding="utf-8") as report:
            report.write("\n" + compared + "\n")
        print(compared)
    print(f"report: {md}")
    return result.exit_code


SUBCOMMAND = Subcommand(
    name="gate",
    help="Measure a phase's success metrics against the plan's targets; table + runs/<phase>/.",
    configure=configure,
    run=run,
)
