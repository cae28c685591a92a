"""``zen-harness baseline install NAME REQUIREMENT...`` (and ``list``, ``show NAME``).

Exit status: 0 done, 2 the install failed (the message carries the install log's tail).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from harness.cli import Subcommand, report_failure
from harness.errors import HarnessError


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="baseline_action", metavar="ACTION", required=True)
    add = actions.add_parser("install", help="build NAME's venv under the cache folder and record it")
    add.add_argument("name", help="the name used as baseline:NAME")
    add.add_argument("requirements", nargs="+", help="pip requirements; the first names the server")
    add.add_argument("--script", default=None, help="the console script that runs the server")
    add.add_argument(
        "--if-missing",
        action="store_true",
        help="keep an installed baseline with the same requirements instead of rebuilding it",
    )
    actions.add_parser("list", help="installed baselines")
    show = actions.add_parser("show", help="NAME's record (JSON)")
    show.add_argument("name")


def run(args: argparse.Namespace) -> int:
    from harness.baseline import registry
    from harness.baseline.install import install

    try:
        if args.baseline_action == "list":
            for baseline in registry.installed():
                print(f"{baseline.name}\t{' '.join(baseline.requirements)}\t{baseline.folder}")
            return 0
        if args.baseline_action == "show":
            print(json.dumps(asdict(registry.load(args.name)), indent=1))
            return 0
        if args.if_missing:
            try:
                kept = registry.load(args.name)
            except HarnessError:
                kept = None
            if kept is not None and kept.requirements == list(args.requirements):
                print(f"{kept.label} already installed in {kept.folder}")
                return 0
        print(f"installing baseline {args.name}: {' '.join(args.requirements)} ...", flush=True)
        baseline = install(args.name, args.requirements, script=args.script)
    except HarnessError as exc:
        return report_failure("baseline", exc)
    print(f"{baseline.label} installed in {baseline.folder}; runs as: {' '.join(baseline.command)}")
    return 0


SUBCOMMAND = Subcommand(
    name="baseline",
    help="Install another MCP server (e.g. the upstream pal-mcp-server) as a named target baseline:NAME.",
    configure=configure,
    run=run,
)
