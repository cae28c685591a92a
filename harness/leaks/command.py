"""``zen-harness leaks [PROFILE]``: run zen_server under memray through a load profile.

Exit status: 0 when RSS grew less than ``--limit-mb`` between warm-up and the end of the
load, 1 when it grew more, 2 when the check could not be made.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.cli import Subcommand, report_failure
from harness.errors import HarnessError
from harness.outputs import run_dir


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("profile", nargs="?", default="soak", help="load profile (default soak: 5 minutes)")
    parser.add_argument(
        "--out", type=Path, default=run_dir("leaks"), help="report root (default: runs/leaks)"
    )
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiply the profile's durations")
    parser.add_argument("--limit-mb", type=float, default=100.0, help="allowed RSS growth (default 100)")
    parser.add_argument("--native", action="store_true", help="also record native stacks (slower)")
    parser.add_argument(
        "--max-bytes-per-call",
        type=float,
        default=None,
        help="fail when the heap retains more than this per call after warm-up (bounded caches subtracted)",
    )


def run(args: argparse.Namespace) -> int:
    from harness.leaks.runner import run_leak_check

    try:
        report = run_leak_check(
            args.profile,
            out_root=args.out,
            time_scale=args.time_scale,
            limit_mb=args.limit_mb,
            native=args.native,
            max_bytes_per_call=args.max_bytes_per_call,
        )
    except HarnessError as exc:
        return report_failure("leaks", exc)
    g = report.growth
    print(f"RSS  {g['rss_warm_mb']:.1f} -> {g['rss_end_mb']:.1f} MB ({g['rss_growth_mb']:+.1f} MB)")
    print(f"heap {g['heap_warm_mb']:.1f} -> {g['heap_end_mb']:.1f} MB ({g['heap_growth_mb']:+.1f} MB)")
    if "caches_growth_mb" in g:  # RSS growth set against the bounded caches' own byte counts
        print(
            f"bounded caches {g['caches_warm_mb']:.1f} -> {g['caches_end_mb']:.1f} MB "
            f"({g['caches_growth_mb']:+.1f} MB); growth no bounded cache accounts for "
            f"{g['unexplained_growth_mb']:+.1f} MB"
        )
    if "retained_bytes_per_call" in g:
        print(
            f"heap retained per call after warm-up (caches subtracted): {g['retained_bytes_per_call']:+.0f} B"
            f" over {g['calls_in_window']:.0f} calls"
            + ("" if report.max_bytes_per_call is None else f" (limit {report.max_bytes_per_call:g} B)")
        )
    for site in report.sites["high_water_mark"][:5]:
        print(f"  peak: {site['size_mb']:.2f} MB {site['function']} ({site['file']}:{site['line']})")
    verdict = "PASS" if report.passed else "FAIL"
    print(f"{verdict}: growth limit {report.limit_mb:g} MB; report in {args.out / report.profile}/leaks.md")
    return 0 if report.passed else 1


SUBCOMMAND = Subcommand(
    name="leaks",
    help="Run zen_server under memray through a load profile; heap/RSS growth, top sites, flamegraph.",
    configure=configure,
    run=run,
)
