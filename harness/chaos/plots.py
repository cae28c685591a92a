"""One PNG per run: latency over time (fault windows shaded), error rate, calls in flight."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never a display

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from harness.chaos.records import RunData
from harness.chaos.stats import bucket_series


def _shade(axes: list[Axes], data: RunData) -> None:
    for ax in axes:
        for window in data.windows:
            end = window.end if window.end is not None else data.end
            ax.axvspan(window.start, end, color="tab:red", alpha=0.12)
        for name in ("during", "after"):
            ax.axvline(data.phases[name][0], color="grey", linestyle=":", linewidth=1)


def plot_run(data: RunData, title: str, path: Path) -> Path:
    fig, (lat, err, flight) = plt.subplots(3, 1, figsize=(10, 8), sharex=True)
    ok = [c for c in data.calls if c.ok]
    bad = [c for c in data.calls if not c.ok]
    lat.scatter([c.end for c in ok], [c.latency_s * 1000 for c in ok], s=6, color="tab:blue", label="ok")
    lat.scatter(
        [c.end for c in bad],
        [c.latency_s * 1000 for c in bad],
        s=8,
        color="tab:red",
        marker="x",
        label="failed",
    )
    lat.set_ylabel("latency (ms)")
    lat.set_yscale("symlog", linthresh=100)
    lat.legend(loc="upper right", fontsize=8)
    series = bucket_series(data.calls, data.end)
    starts = [s for s, _, _ in series]
    rates = [(f / (o + f)) if (o + f) else 0.0 for _, o, f in series]
    err.bar(
        starts, [o for _, o, _ in series], width=0.9, align="edge", alpha=0.3, color="tab:green", label="ok/s"
    )
    err.bar(
        starts,
        [f for _, _, f in series],
        width=0.9,
        align="edge",
        alpha=0.3,
        color="tab:red",
        label="failed/s",
    )
    err.set_ylabel("calls per s")
    err.legend(loc="upper left", fontsize=8)
    share = err.twinx()
    share.step(starts, rates, where="post", color="tab:red")
    share.set_ylim(0, 1.05)
    share.set_ylabel("error rate")
    flight.plot([s.t for s in data.in_flight], [s.value for s in data.in_flight], label="client in flight")
    for name, samples in data.provider_in_flight.items():
        flight.plot(
            [s.t for s in samples], [s.value for s in samples], linestyle="--", label=f"{name} in flight"
        )
    flight.set_ylabel("in flight")
    flight.set_xlabel("seconds since start (shaded: faults; dotted: during/after)")
    flight.legend(loc="upper right", fontsize=8)
    _shade([lat, err, flight], data)
    fig.suptitle(title)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path
