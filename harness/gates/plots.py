"""PNG plots for the phase reports (matplotlib, Agg backend: no display needed).

Each function takes plain data and a path, writes one PNG and returns its path, so
measurements plot what they measured without knowing about matplotlib's state.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # headless: CI machines have no display

import matplotlib.pyplot as plt

pyplot = plt  # for other report modules: importing it from here chooses the backend first


def _save(fig: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def latency_vs_concurrency(levels: Sequence[dict[str, Any]], target_s: float, path: Path) -> Path:
    """p50/p95/p99 latency (s) against concurrent calls, with the p95 target as a line."""
    ordered = sorted(levels, key=lambda row: row["concurrency"])
    xs = [row["concurrency"] for row in ordered]
    fig, ax = plt.subplots(figsize=(7, 4))
    for key, style in (("p50_s", "o-"), ("p95_s", "s-"), ("p99_s", "^-")):
        ax.plot(xs, [row.get(key) or float("nan") for row in ordered], style, label=key.replace("_s", ""))
    ax.axhline(target_s, color="red", linestyle="--", label=f"p95 target {target_s:g} s")
    ax.set_xlabel("concurrent calls")
    ax.set_ylabel("latency (s)")
    ax.set_title("Tool call latency against concurrency")
    ax.grid(alpha=0.3)
    ax.legend()
    return _save(fig, path)


def memory_over_time(
    samples: Sequence[tuple[float, float]], warmup_s: float, limit_mb: float, path: Path, title: str
) -> Path:
    """RSS (MB) over time, the warm-up mark, and the allowed ceiling (warm RSS + limit)."""
    fig, ax = plt.subplots(figsize=(7, 4))
    ts = [t for t, _ in samples]
    mb = [m for _, m in samples]
    ax.plot(ts, mb, label="server RSS")
    ax.axvline(warmup_s, color="grey", linestyle=":", label="end of warm-up")
    warm = [m for t, m in samples if t >= warmup_s]
    if warm:
        ax.axhline(warm[0] + limit_mb, color="red", linestyle="--", label=f"warm-up RSS + {limit_mb:g} MB")
    ax.set_xlabel("seconds")
    ax.set_ylabel("MB")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    return _save(fig, path)


def bars(
    labels: Sequence[str], values: Sequence[float], limit: float, path: Path, *, title: str, ylabel: str
) -> Path:
    """A bar chart with a threshold line (lines per module, coverage per package)."""
    fig, ax = plt.subplots(figsize=(8, max(3.0, 0.32 * len(labels) + 1)))
    colors = ["tab:red" if (v > limit if "lines" in ylabel else v < limit) else "tab:blue" for v in values]
    ax.barh(list(labels), list(values), color=colors)
    ax.axvline(limit, color="red", linestyle="--", label=f"limit {limit:g}")
    ax.set_xlabel(ylabel)
    ax.set_title(title)
    ax.invert_yaxis()
    ax.legend()
    return _save(fig, path)
