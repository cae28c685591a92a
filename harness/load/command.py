"""``zen-harness load PROFILE``: run a load profile headless; Locust's CSV + HTML in runs/load/.

Prints the per-run summary and the SLO checks; exits 0 when every check passed, 1 when one
failed, 2 when the run could not be made. ``--list`` shows the bundled profiles.
"""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path
from typing import Any

from harness.cli import Subcommand, report_failure
from harness.errors import HarnessError
from harness.outputs import run_dir


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("profile", nargs="?", default="smoke", help="bundled profile name or YAML path")
    parser.add_argument("--list", action="store_true", help="list the bundled profiles and exit")
    parser.add_argument("--out", type=Path, default=run_dir("load"), help="report root (default: runs/load)")
    parser.add_argument(
        "--time-scale", type=float, default=1.0, help="multiply every duration of the shape (0.1 = a tenth)"
    )
    parser.add_argument(
        "--server-cmd",
        default=None,
        help="server under test instead of zen_server, e.g. 'python srv.py --http {port}' ({port}, {python})",
    )
    parser.add_argument(
        "--url",
        default=None,
        help="MCP URL already serving (e.g. from 'zen-harness cluster up'); the run starts no server",
    )


def run(args: argparse.Namespace) -> int:
    from harness.load.profile import bundled_profiles, load_profile
    from harness.load.runner import run_profile

    if args.list:
        for name in bundled_profiles():
            print(f"{name:14} {load_profile(name).description}")
        return 0
    command = shlex.split(args.server_cmd) if args.server_cmd else None
    try:
        result = run_profile(
            args.profile,
            out_root=args.out,
            time_scale=args.time_scale,
            server_command=command,
            target_url=args.url,
        )
    except HarnessError as exc:
        return report_failure("load", exc)
    data = result.summary.data
    latency = data["latency_ms"]
    name = result.profile.name
    print(f"profile {name}: {data['calls']} calls, {data['failures']} failed, {data['rps']:.1f}/s")
    print("latency ms: " + ", ".join(f"{k} {v:.0f}" for k, v in latency.items() if v is not None))
    for worker in data.get("workers", []):
        print(
            f"  {worker['worker']} (pid {worker['pid']}): {worker['calls']} calls, "
            f"{worker['failures']} failed, p95 {_ms(worker['latency_ms']['p95'])}"
        )
    if "tool_calls_per_instance" in data:
        spread = data["tool_calls_per_instance"].items()
        print("  tool calls per instance: " + ", ".join(f"{name} {count}" for name, count in spread))
    for check in result.checks:
        print(
            f"  {'PASS' if check.passed else 'FAIL'}  {check.name}: {check.measured} (target {check.target})"
        )
    for cache, row in sorted(result.caches.items()):
        print(f"  cache {cache}: {_figures(row)}")
        for tool, counts in sorted(row.get("by_tool", {}).items()):
            print(f"    asked by {tool}: hit rate {_percent(counts['hit_rate'])}")
    out = result.out_dir
    print(f"reports: {out}/report.html, {out}/locust_stats.csv, {out}/summary.json")
    return 0 if result.passed else 1


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} ms"


def _percent(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate:.1%}"


def _figures(row: dict[str, Any]) -> str:
    hits, misses = row.get("hits", 0), row.get("misses", 0)
    text = f"hit rate {_percent(row.get('hit_rate'))} ({hits} hits, {misses} misses"
    return text + (f", {row['joins']} single-flight joins)" if row.get("joins") else ")")


SUBCOMMAND = Subcommand(
    name="load",
    help="Run a Locust load profile headless against an MCP server; CSV + HTML into runs/load/.",
    configure=configure,
    run=run,
)
