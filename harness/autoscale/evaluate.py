"""Scale evaluation: the same Locust shape against the elastic cluster, reactive then predictive.

Each run starts ``zen-harness cluster up --autoscale STRATEGY`` as the load runner's server
(its HAProxy port is the runner's ``{port}``; fake providers reach the instances through
``--providers env``), drives the profile, and reads back the loop's timeline. Figures per
run: calls shed (Locust failures: refused by admission or timed out), p95, instance-seconds
(replicas x tick length, summed: the cost), and the forecast's MAPE (each tick's point
forecast for now + horizon against the demand measured then).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.autoscale.forecast import mape
from harness.autoscale.recommend import STRATEGIES, Strategy

PROFILES_DIR = Path(__file__).parent / "profiles"


@dataclass(frozen=True, slots=True)
class StrategyRun:
    strategy: Strategy
    calls: int
    shed: int
    p95_ms: float | None
    instance_seconds: float
    mape_pct: float | None
    timeline: list[dict[str, Any]]


def cluster_command(strategy: Strategy, timeline: Path, *, maximum: int, season_s: float | None) -> list[str]:
    command = [
        "{python}", "-m", "harness", "cluster", "up", "--providers", "env", "--port", "{port}",
        "--autoscale", strategy, "--min", "1", "--max", str(maximum), "--interval", "1",
        "--horizon", "15", "--down-window", "20", "--target-utilisation", "0.7",
        "--drain-timeout", "5", "--timeline", str(timeline),
    ]  # fmt: skip
    if season_s is not None:
        command += ["--season", f"{season_s:g}"]
    return command


def instance_seconds(ticks: list[dict[str, Any]], interval_s: float) -> float:
    return sum(float(t["replicas"]) for t in ticks) * interval_s


def forecast_mape(ticks: list[dict[str, Any]], horizon_s: float) -> float | None:
    """Each tick's forecast for t + horizon against the demand of the tick nearest that time."""
    measured = [(float(t["t"]), float(t["demand"])) for t in ticks if t["demand"] is not None]
    pairs: list[tuple[float, float]] = []
    for tick in ticks:
        if tick["at_horizon"] is None:
            continue
        target = float(tick["t"]) + horizon_s
        later = [m for m in measured if abs(m[0] - target) <= 0.75]
        if later:
            pairs.append(
                (min(later, key=lambda m: abs(m[0] - target))[1], max(0.0, float(tick["at_horizon"])))
            )
    if not pairs:
        return None
    return mape([a for a, _ in pairs], [p for _, p in pairs])


def evaluate(profile: str, out_dir: Path, *, time_scale: float, maximum: int) -> list[StrategyRun]:
    from harness.load.profile import load_profile
    from harness.load.runner import run_profile
    from harness.load.shapes import CycleShape

    shape = load_profile(str(PROFILES_DIR / f"{profile}.yaml")).shape.scaled(time_scale)
    season = shape.period_s if isinstance(shape, CycleShape) else None
    runs = []
    for strategy in STRATEGIES:
        root = out_dir / strategy
        root.mkdir(parents=True, exist_ok=True)
        timeline_path = (root / "timeline.json").resolve()
        timeline_path.unlink(missing_ok=True)
        load = run_profile(
            str(PROFILES_DIR / f"{profile}.yaml"),
            out_root=root,
            time_scale=time_scale,
            server_command=cluster_command(strategy, timeline_path, maximum=maximum, season_s=season),
        )
        data = json.loads(timeline_path.read_text()) if timeline_path.is_file() else {"ticks": []}
        ticks = data["ticks"]
        runs.append(
            StrategyRun(
                strategy=strategy,
                calls=load.summary.calls,
                shed=int(load.summary.data.get("failures", 0)),
                p95_ms=load.summary.p95_ms,
                instance_seconds=instance_seconds(ticks, float(data.get("interval_s", 1.0))),
                mape_pct=forecast_mape(ticks, float(data.get("horizon_s", 15.0))),
                timeline=ticks,
            )
        )
    return runs


def plot(runs: list[StrategyRun], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(runs), 1, figsize=(10, 3.2 * len(runs)), sharex=True)
    for ax, run in zip(axes, runs, strict=True):
        ticks = [t for t in run.timeline if t["demand"] is not None]
        times = [t["t"] for t in ticks]
        ax.plot(times, [t["demand"] for t in ticks], label="demand (concurrent calls)")
        ax.step(times, [t["capacity"] for t in ticks], where="post", label="capacity at target")
        ax.plot(times, [t["forecast"] for t in ticks], linestyle="--", label="forecast peak (horizon)")
        ax.set_title(
            f"{run.strategy}: shed {run.shed}/{run.calls}, p95 {run.p95_ms} ms, "
            f"{run.instance_seconds:.0f} instance-s, MAPE {run.mape_pct and round(run.mape_pct, 1)}%"
        )
        ax.legend(loc="upper left", fontsize=7)
    axes[-1].set_xlabel("seconds")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


__all__ = ["StrategyRun", "cluster_command", "evaluate", "forecast_mape", "instance_seconds", "plot"]
