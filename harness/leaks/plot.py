"""The leak check's PNG: heap and RSS over time, warm-up end and end of load marked."""

from __future__ import annotations

from pathlib import Path

from harness.gates.plots import pyplot as plt
from harness.leaks.analysis import MemoryPoint


def heap_and_rss(points: list[MemoryPoint], warm_s: float, end_s: float, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(7, 4))
    ts = [p.t_s for p in points]
    ax.plot(ts, [p.rss_mb for p in points], label="RSS")
    ax.plot(ts, [p.heap_mb for p in points], label="heap (memray)")
    ax.axvline(warm_s, color="grey", linestyle=":", label="warm-up end")
    ax.axvline(end_s, color="black", linestyle=":", label="end of load")
    ax.set_xlabel("seconds since the server started")
    ax.set_ylabel("MB")
    ax.set_title("Server memory under load (memray)")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
