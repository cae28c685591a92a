"""``zen-harness compare baseline:NAME``: score a baseline beside zen_server in one run.

1. the chaos scenarios on the baseline, then on zen_server (``run --compare``);
2. the phase-1 gates on both (``gate phase1 --compare``);
3. the phase-2 gates that have a baseline form (``gate phase2 --compare --skip suite``);
4. ``<reports>/README.md``: the plan's success metrics with "Current" measured on the
   baseline, and the before/after tables. ``--publish DIR`` copies that page to DIR
   (``nox -s compare`` publishes to reports/upstream/).
``--short`` is CI's version: a few scenarios at half length and phase 1 without its soak.
Exit status: 0 when zen_server's runs were green, 1 red, 2 the baseline did not install or start.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from harness.cli import Subcommand, report_failure
from harness.outputs import run_dir

# One the upstream runs, one it cannot be wired for (so CI sees "not applicable" too).
SHORT_SCENARIOS = ("scenarios/latency-spike.yaml", "scenarios/provider-outage-fallback.yaml")
SHORT_SKIPS = ("soak", "monitoring", "chaos_phase1")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", metavar="baseline:NAME", help="an installed baseline")
    parser.add_argument("--reports", type=Path, default=run_dir("compare"), help="default: runs/compare")
    parser.add_argument("--short", action="store_true", help="CI's short version (about 3 minutes)")
    parser.add_argument("--publish", type=Path, default=None, help="copy the page (README.md) here")


def run(args: argparse.Namespace) -> int:
    from harness.baseline.page import page
    from harness.chaos.baseline import resolve
    from harness.chaos.cli import main as chaos_main
    from harness.errors import HarnessError
    from harness.gates.command import SUBCOMMAND as GATE
    from harness.stamp import stamp

    try:
        label = resolve(args.target).label
    except HarnessError as exc:
        return report_failure("compare", exc)
    out: Path = args.reports
    scenarios = list(SHORT_SCENARIOS) if args.short else ["scenarios/"]
    chaos = [*scenarios, "--compare", args.target, "--reports", str(out / "chaos"), "--no-plots"]
    chaos += ["--quick"] if args.short else []
    phase1 = ["phase1", "--compare", args.target, "--reports", str(out)]
    phase1 += [f"--skip={name}" for name in SHORT_SKIPS] if args.short else []
    phase2 = ["phase2", "--compare", args.target, "--reports", str(out), "--skip=suite"]
    commands = {
        "chaos": "zen-harness run " + " ".join(chaos),
        "phase1": "zen-harness gate " + " ".join(phase1),
        "phase2": "zen-harness gate " + " ".join(phase2),
    }
    codes = [chaos_main(chaos)]
    if codes[0] in (2, 3):
        return 2
    parser = argparse.ArgumentParser(prog="zen-harness gate")
    GATE.configure(parser)
    for argv in (phase1, phase2):
        codes.append(GATE.run(parser.parse_args(argv)))
    made = stamp(Path.cwd())
    (out / "README.md").write_text(page(out, label, commands, made), encoding="utf-8")
    print(f"page: {out / 'README.md'}")
    if args.publish is not None:
        args.publish.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out / "README.md", args.publish / "README.md")
        print(f"published: {args.publish / 'README.md'}")
    if any(code == 2 for code in codes):
        return 2
    # phase2 without its suite is incomplete (3) by design; zen_server's reds are what count.
    return 1 if any(code == 1 for code in codes) else 0


SUBCOMMAND = Subcommand(
    name="compare",
    help="Score a baseline (baseline:NAME) beside zen_server: chaos, phase-1/2 gates, one page.",
    configure=configure,
    run=run,
)
