"""``zen-harness mutants``: run the seeded-defect catalogue, write the catch matrix.

Exit status: 0 when every defect run turned at least one of its checks red, 1 when a defect
escaped every check (or could not be applied), 3 when the catalogue itself is invalid.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.cli import Subcommand
from harness.outputs import run_dir


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--only", action="append", default=[], help="run only the defect(s) with this id")
    parser.add_argument(
        "--skip", action="append", default=[], help="leave out the defect(s) with this id (before --rotate)"
    )
    parser.add_argument(
        "--ci",
        action="store_true",
        help="leave out known blind spots (escapes:) and entries too long for CI (in_ci: false)",
    )
    parser.add_argument("--rotate", type=int, default=None, help="run N defects, a different slice each day")
    parser.add_argument("--jobs", type=int, default=1, help="defects run at once (default 1)")
    parser.add_argument("--time-scale", type=float, default=1.0, help="scale the scenarios' timelines")
    parser.add_argument("--reports", type=Path, default=run_dir("mutants"), help="default: runs/mutants")
    parser.add_argument("--list", action="store_true", help="list the catalogue and exit")
    parser.add_argument(
        "--no-control",
        action="store_true",
        help="skip the control run (the clean tree through the same checks, which must be green)",
    )


def run(args: argparse.Namespace) -> int:
    from harness.mutants.catalogue import MutantError, load_catalogue
    from harness.mutants.runner import (
        control_for,
        discount_false_alarms,
        rotation,
        run_catalogue,
        write_matrix,
    )

    try:
        defects = load_catalogue()
    except MutantError as exc:
        print(f"harness error: {exc}")
        return 3
    if args.only:
        unknown = set(args.only) - {d.id for d in defects}
        if unknown:
            print(f"unknown defect id(s): {', '.join(sorted(unknown))}")
            return 3
        defects = [d for d in defects if d.id in args.only]
    if args.skip:
        unknown = set(args.skip) - {d.id for d in defects}
        if unknown:
            print(f"unknown defect id(s): {', '.join(sorted(unknown))}")
            return 3
        defects = [d for d in defects if d.id not in args.skip]
    if args.ci:
        left_out = [d.id for d in defects if not d.for_ci]
        defects = [d for d in defects if d.for_ci]
        if left_out:
            print(f"left out for CI (known blind spots or too long): {', '.join(left_out)}")
    if args.rotate is not None:
        defects = rotation(defects, args.rotate)
    if args.list:
        for d in defects:
            print(f"{d.id}: {d.promise} -> {', '.join(d.checks)}")
        return 0
    runs = defects if args.no_control else [control_for(defects), *defects]
    outcomes = run_catalogue(runs, Path.cwd(), args.reports, jobs=args.jobs, time_scale=args.time_scale)
    control = None if args.no_control else outcomes.pop(0)
    noisy = discount_false_alarms(outcomes, control)
    write_matrix(outcomes, args.reports, control)
    if control is not None:
        print("control (no defect): " + ", ".join(f"{k}: {v}" for k, v in control.checks.items()))
    for o in outcomes:
        mark = "caught" if o.caught else "ESCAPED"
        print(
            f"{mark} {o.id}: "
            + ", ".join(f"{k}: {v}" for k, v in o.checks.items())
            + (f" ({o.problem})" if o.problem else "")
        )
    print(f"matrix in {args.reports}/matrix.md")
    if noisy:
        print(f"red on the clean tree too (their catches do not count): {', '.join(noisy)}")
    return 0 if all(o.caught for o in outcomes) and not noisy else 1


SUBCOMMAND = Subcommand(
    name="mutants",
    help="Run seeded defects against the chaos scenarios they name; fail when one escapes.",
    configure=configure,
    run=run,
)
