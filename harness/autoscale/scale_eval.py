"""``zen-harness scale-eval``: each shape run twice on the elastic cluster, reactive then predictive.

Writes runs/scale-eval/<shape>/{summary.json, report.md, plot.png} and the two Locust runs
beside them; prints one row per shape and strategy. ``--time-scale 0.5`` is the short form.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from harness.cli import Subcommand, report_failure
from harness.errors import HarnessError
from harness.outputs import run_dir

SHAPES = ("scale-daily", "scale-ramp", "scale-spike")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--shape", choices=(*SHAPES, "all"), default="all", help="which load shape (default all)"
    )
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiply every duration (0.5 = short)")
    parser.add_argument("--max", type=int, default=4, help="most instances")
    parser.add_argument("--out", type=Path, default=run_dir("scale-eval"), help="report root")


def run(args: argparse.Namespace) -> int:
    from harness.autoscale.evaluate import evaluate, plot

    shapes = SHAPES if args.shape == "all" else (args.shape,)
    try:
        for shape in shapes:
            out = args.out / shape
            out.mkdir(parents=True, exist_ok=True)
            runs = evaluate(shape, out, time_scale=args.time_scale, maximum=args.max)
            rows = [{k: v for k, v in asdict(r).items() if k != "timeline"} for r in runs]
            (out / "summary.json").write_text(
                json.dumps({"shape": shape, "time_scale": args.time_scale, "runs": rows}, indent=2)
            )
            plot(runs, out / "plot.png", f"{shape} (time scale {args.time_scale:g})")
            for row in rows:
                print(
                    f"{shape:12} {row['strategy']:10} calls {row['calls']:5} shed {row['shed']:4} "
                    f"p95 {row['p95_ms']} ms  instance-s {row['instance_seconds']:.0f}  "
                    f"MAPE {row['mape_pct']}"
                )
    except HarnessError as exc:
        return report_failure("scale-eval", exc)
    return 0


SUBCOMMAND = Subcommand(
    name="scale-eval",
    help="Each scaling shape twice (reactive, predictive) on the elastic cluster: shed, p95, cost, MAPE.",
    configure=configure,
    run=run,
)
