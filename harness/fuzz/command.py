"""``zen-harness fuzz``: hypothesis against zen-server over stdio and HTTP; exit 1 on any finding.

``--budget full`` (the nox session): 1,000 frames per transport, 1,000 argument sets per tool
family, 10,000 initializes from one client. ``--budget ci``: a short run for .ci/run.
The report goes to ``runs/fuzz/<time>/`` (ignored by git) unless ``--reports`` says otherwise.
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime
from pathlib import Path

from harness.cli import Subcommand
from harness.outputs import run_dir


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--budget", choices=("full", "ci"), default="full")
    parser.add_argument(
        "--frames", type=int, default=None, help="frames per transport (overrides the budget)"
    )
    parser.add_argument(
        "--arguments", type=int, default=None, help="argument sets per tool family (overrides)"
    )
    parser.add_argument("--seed", type=int, default=None, help="hypothesis seed (default: random, printed)")
    parser.add_argument("--reports", type=Path, default=None, help="report folder (default runs/fuzz/<time>)")


def run(args: argparse.Namespace) -> int:
    from harness.fuzz.report import write_report
    from harness.fuzz.runner import CI, FULL, Budget, run_fuzz

    budget = FULL if args.budget == "full" else CI
    if args.frames is not None or args.arguments is not None:
        budget = Budget(
            frames=budget.frames if args.frames is None else args.frames,
            arguments=budget.arguments if args.arguments is None else args.arguments,
            session_flood=budget.session_flood,
        )
    run_seed = args.seed if args.seed is not None else random.randrange(2**31)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    directory: Path = args.reports or run_dir("fuzz") / stamp
    directory.mkdir(parents=True, exist_ok=True)
    print(f"zen-harness fuzz: budget {args.budget}, seed {run_seed}, report in {directory}")
    result = run_fuzz(budget, run_seed=run_seed, work_dir=directory, log=print)
    report = write_report(result, directory)
    print(report.read_text())
    return 0 if result.passed else 1


SUBCOMMAND = Subcommand(
    name="fuzz",
    help="Fuzz zen-server over stdio and HTTP (frames, tool arguments, hostile paths, session flood).",
    configure=configure,
    run=run,
)
