"""Runs never modify tracked files: every command's default output is ignored by git, and
only ``zen-harness reference`` writes the committed reports."""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.cli import build_parser, load_subcommands
from harness.outputs import REFERENCE, RUNS

REPO = Path(__file__).resolve().parents[2]
# (subcommand argv, the option holding where it writes)
WRITERS = [
    (["run", "scenarios/"], "reports"),
    (["gate", "phase1"], "reports"),
    (["load", "smoke"], "out"),
    (["leaks", "soak"], "out"),
]


def _git_checkout() -> None:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout: nothing to keep clean")


def _parsed(argv: list[str]) -> argparse.Namespace:
    return build_parser(load_subcommands()).parse_args(argv)


@pytest.mark.parametrize(("argv", "option"), WRITERS, ids=[w[0][0] for w in WRITERS])
def test_every_command_writes_under_runs_by_default(argv: list[str], option: str) -> None:
    out = Path(getattr(_parsed(argv), option))
    assert out.parts[0] == str(RUNS), f"zen-harness {argv[0]} writes to {out}, not under {RUNS}/"


@pytest.mark.parametrize(("argv", "option"), WRITERS, ids=[w[0][0] for w in WRITERS])
def test_what_a_command_writes_by_default_is_ignored_by_git(argv: list[str], option: str) -> None:
    _git_checkout()
    out = Path(getattr(_parsed(argv), option))
    for path in (out / "summary.md", out / "phase1" / "report.md", out / "logs" / "target.log"):
        check = subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=REPO, check=False)
        assert check.returncode == 0, f"{path} (zen-harness {argv[0]}) would show in git status"


def test_the_reference_reports_are_tracked_and_not_ignored() -> None:
    _git_checkout()
    tracked = subprocess.run(
        ["git", "ls-files", str(REFERENCE)], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    assert any(name.endswith("chaos/summary.md") for name in tracked)
    check = subprocess.run(["git", "check-ignore", "-q", "reports/chaos/summary.md"], cwd=REPO, check=False)
    assert check.returncode == 1, "the committed reference must not be ignored"
