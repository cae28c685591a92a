"""``zen-harness``: the harness's command line, a registry of subcommands.

Each subcommand lives in its own module that defines ``SUBCOMMAND = Subcommand(...)``:
a name, one line of help, a function adding its arguments to an argparse parser, and a
handler returning the exit code. To add one, write the module and list its import path
in ``SUBCOMMAND_MODULES``; this file changes by that one line. Subcommand modules keep
heavy imports inside their handler so ``zen-harness proxy`` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from harness.errors import HarnessError

SUBCOMMAND_MODULES: tuple[str, ...] = (
    "harness.proxy.command",  # zen-harness proxy
    "harness.chaos.cli",  # zen-harness run
    "harness.load.command",  # zen-harness load
    "harness.leaks.command",  # zen-harness leaks
    "harness.gates.command",  # zen-harness gate
    "harness.fuzz.command",  # zen-harness fuzz
    "harness.reference",  # zen-harness reference
    "harness.cluster.command",  # zen-harness cluster
    "harness.baseline.command",  # zen-harness baseline
    "harness.baseline.compare",  # zen-harness compare
    "harness.mutants.command",  # zen-harness mutants
    "harness.autoscale.scale_eval",  # zen-harness scale-eval
)


@dataclass(frozen=True)
class Subcommand:
    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def load_subcommands(modules: Sequence[str] = SUBCOMMAND_MODULES) -> list[Subcommand]:
    """The ``SUBCOMMAND`` of each module, in order."""
    found: list[Subcommand] = []
    for module_name in modules:
        subcommand = getattr(importlib.import_module(module_name), "SUBCOMMAND", None)
        if not isinstance(subcommand, Subcommand):
            raise TypeError(f"{module_name} must define SUBCOMMAND = Subcommand(...)")
        found.append(subcommand)
    return found


def build_parser(subcommands: Sequence[Subcommand]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zen-harness", description="Chaos, load and leak harness.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for subcommand in subcommands:
        sub = commands.add_parser(subcommand.name, help=subcommand.help, description=subcommand.help)
        subcommand.configure(sub)
        sub.set_defaults(_run=subcommand.run)
    return parser


def report_failure(command: str, exc: HarnessError) -> int:
    """A subcommand's clean failure: one line on stderr naming the subcommand, and exit status 2."""
    print(f"zen-harness {command}: {exc}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(load_subcommands())
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args._run
    return run(args)
