"""Predictive vs reactive scaling: ``zen-harness scale-eval`` on each shape, read back.

Runs the evaluation in its own process (the elastic cluster, HAProxy and Locust, all real)
and reads its summary.json per shape. Figures per shape S (scale-daily -> ``daily``...):
``S_shed_ratio`` (predictive shed / reactive shed; 0 when neither shed), ``S_cost_ratio``
(predictive / reactive instance-seconds), ``S_mape_pct`` (the predictive run's forecast
error), and each run's raw ``S_<strategy>_shed`` / ``_p95_ms`` / ``_instance_s``.
"""

from __future__ import annotations

import json
import subprocess
import time
from typing import Literal

from pydantic import Field

from harness.gates.errors import NotMeasured
from harness.gates.metrics.base import Figure, MeasureContext, Measurement, MeasureParams


class Params(MeasureParams):
    kind: Literal["scaling"]
    shapes: list[str] = Field(default_factory=lambda: ["scale-daily", "scale-ramp", "scale-spike"])
    time_scale: float = Field(default=0.5, gt=0, le=10)
    full_time_scale: float = Field(default=1.0, gt=0, le=10)
    max_instances: int = Field(default=4, ge=2, le=16)
    budget_s: float = Field(default=1800.0, gt=0)


def measure(params: Params, ctx: MeasureContext) -> Measurement:
    scale = params.full_time_scale if ctx.full else params.time_scale
    out = ctx.out_dir / "scaling"
    log = ctx.out_dir / "logs" / "scaling.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    values: dict[str, Figure] = {}
    notes: list[str] = []
    started = time.monotonic()
    for shape in params.shapes:
        summary_path = out / shape / "summary.json"
        summary_path.unlink(missing_ok=True)
        command = [ctx.python, "-m", "harness", "scale-eval", "--shape", shape, "--time-scale", f"{scale:g}"]
        command += ["--max", str(params.max_instances), "--out", str(out)]
        ctx.log(f"  scaling: {shape} at time scale {scale:g}, reactive then predictive")
        with open(log, "ab") as sink:
            try:
                code = subprocess.run(
                    command,
                    stdout=sink,
                    stderr=subprocess.STDOUT,
                    env=ctx.child_env(),
                    timeout=params.budget_s,
                ).returncode
            except subprocess.TimeoutExpired as exc:
                raise NotMeasured(f"scale-eval {shape} took over {params.budget_s:.0f}s; see {log}") from exc
        if code != 0 or not summary_path.is_file():
            raise NotMeasured(f"scale-eval {shape} failed (exit {code}); see {log}")
        runs = {r["strategy"]: r for r in json.loads(summary_path.read_text())["runs"]}
        key = shape.removeprefix("scale-")
        reactive, predictive = runs["reactive"], runs["predictive"]
        for strategy, run in runs.items():
            values[f"{key}_{strategy}_shed"] = run["shed"]
            values[f"{key}_{strategy}_p95_ms"] = run["p95_ms"]
            values[f"{key}_{strategy}_instance_s"] = run["instance_seconds"]
        values[f"{key}_shed_ratio"] = (
            predictive["shed"] / reactive["shed"]
            if reactive["shed"]
            else (0.0 if not predictive["shed"] else None)
        )
        values[f"{key}_cost_ratio"] = predictive["instance_seconds"] / max(reactive["instance_seconds"], 1e-9)
        values[f"{key}_mape_pct"] = predictive["mape_pct"]
        notes += [
            f"{shape} {s}: shed {r['shed']}/{r['calls']}, p95 {r['p95_ms']} ms, "
            f"{r['instance_seconds']:.0f} instance-s, MAPE {r['mape_pct']}"
            for s, r in runs.items()
        ]
    plots = sorted(out.glob("*/plot.png"))
    return Measurement(values=values, plots=plots, notes=notes, duration_s=time.monotonic() - started)
