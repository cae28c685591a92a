"""``zen-harness run FILE|DIR ...``: run chaos scenarios, show them live, end in verdicts.

Writes ``<reports>/<scenario>.json|.md|.png`` and ``<reports>/summary.md|.json``; exits 0
when every hypothesis held, 1 when any failed or the harness hit an error, 2 when a
scenario file is invalid, 3 when the --target baseline is not installed or does not
start (a harness error with its log, not a verdict), 4 when no scenario was red but one was
INVALID (its steady state, the 'before' phase, did not hold: ``harness.chaos.steady_state``),
130 after Ctrl-C (rollbacks have run by then).
"""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

from harness.chaos.loader import LIBRARY
from harness.cli import Subcommand
from harness.outputs import run_dir

EXIT_OK, EXIT_RED, EXIT_INVALID, EXIT_INTERRUPTED = 0, 1, 2, 130


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        default=[LIBRARY],
        help="scenario files, directories of *.yaml, or names from scenarios/ (default: scenarios/)",
    )
    parser.add_argument(
        "--reports", type=Path, default=run_dir("chaos"), help="where results go (default: runs/chaos)"
    )
    parser.add_argument("--quick", action="store_true", help="halve every phase (same as --time-scale 0.5)")
    parser.add_argument("--time-scale", type=float, default=None, help="multiply every phase's duration")
    parser.add_argument("--seed", type=int, default=7, help="seed for the load's choices and the fakes")
    parser.add_argument("--only", action="append", default=[], help="run only the scenario(s) with this name")
    parser.add_argument(
        "--target-command",
        help="run the scenarios against this MCP server command instead (e.g. 'python /opt/zen/server.py')",
    )
    parser.add_argument(
        "--target",
        metavar="baseline:NAME",
        help="run the scenarios against a baseline installed by 'zen-harness baseline install NAME ...'",
    )
    parser.add_argument(
        "--compare",
        metavar="baseline:NAME",
        help="run the scenarios on that baseline too; summary.md gains a before/after table",
    )
    parser.add_argument("--target-url", help="run the scenarios against an MCP server already at this URL")
    parser.add_argument("--target-transport", choices=["stdio", "http"], default="stdio")
    parser.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    parser.add_argument("--check", action="store_true", help="only validate the scenario files")


def run(args: argparse.Namespace) -> int:
    from harness.chaos.suite import RunRequest, run_files

    scale = args.time_scale if args.time_scale is not None else (0.5 if args.quick else 1.0)
    target: dict[str, object] | None = None
    if args.target_command:
        target = {
            "kind": "command",
            "transport": args.target_transport,
            "command": shlex.split(args.target_command),
        }
    elif args.target_url:
        target = {"kind": "url", "transport": "http", "url": args.target_url}
    request = RunRequest(
        paths=list(args.paths),
        reports=args.reports,
        time_scale=scale,
        seed=args.seed,
        only=list(args.only),
        target_override=target,
        plots=not args.no_plots,
        check_only=args.check,
        baseline=args.target,
        compare=args.compare,
    )
    return run_files(request)


SUBCOMMAND = Subcommand(
    name="run",
    help="Run chaos scenarios (files or directories) and report a verdict per hypothesis.",
    configure=configure,
    run=run,
)


def main(argv: list[str] | None = None) -> int:
    """``python -m harness.chaos``: the same as ``zen-harness run``."""
    parser = argparse.ArgumentParser(prog="zen-harness run", description=SUBCOMMAND.help)
    configure(parser)
    return run(parser.parse_args(argv))
