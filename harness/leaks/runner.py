"""``zen-harness leaks``: zen_server under memray through a load profile, and what memory did.

The server is started as ``python -m memray run --aggregate -m zen_server ...`` (aggregated
captures stay small over a long soak), the profile's Locust load runs against it, and the
server is stopped with SIGINT so memray closes the capture. Then: heap and RSS when the
warm-up ended and at the end of the load, their growth, the top allocation sites, a
flamegraph (high-water mark) and a leaks flamegraph, a PNG of heap and RSS over time, and
``leaks.json`` / ``leaks.md``, all in ``runs/leaks/<profile>/``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.leaks.analysis import memory_growth, timeline, top_sites
from harness.leaks.caches import CacheSampler, per_call, split_growth
from harness.leaks.errors import LeakCheckError
from harness.leaks.plot import heap_and_rss
from harness.load.profile import Profile, load_profile
from harness.load.runner import LoadRun, run_profile
from harness.load.shapes import SoakShape
from harness.outputs import run_dir

DEFAULT_OUT = run_dir("leaks")
FLAMEGRAPH_TIMEOUT_S = 300.0


def memray_command(capture: Path, *, native: bool = False) -> list[str]:
    """The argv running zen_server over HTTP under memray ({port} is filled in later)."""
    command = [sys.executable, "-m", "memray", "run", "--aggregate", "--force", "-o", str(capture)]
    if native:
        command.append("--native")
    return [*command, "-m", "zen_server", "--transport", "http", "--host", "127.0.0.1", "--port", "{port}"]


def warmup_s(profile: Profile, time_scale: float) -> float:
    """A soak's own warm-up; otherwise the first tenth of the run (at least 5 s)."""
    shape = profile.shape.scaled(time_scale)
    if isinstance(shape, SoakShape):
        return shape.warmup_s
    return max(5.0, shape.duration_s / 10.0)


@dataclass
class LeakReport:
    profile: str
    limit_mb: float
    growth: dict[str, float]
    sites: dict[str, list[dict[str, Any]]]
    load: dict[str, Any]
    files: dict[str, str] = field(default_factory=dict)
    # Heap retained per call after warm-up, bounded caches subtracted (None: not judged).
    max_bytes_per_call: float | None = None

    @property
    def per_call_passed(self) -> bool:
        if self.max_bytes_per_call is None:
            return True
        measured = self.growth.get("retained_bytes_per_call")
        return measured is not None and measured <= self.max_bytes_per_call

    @property
    def passed(self) -> bool:
        return self.growth["rss_growth_mb"] < self.limit_mb and self.per_call_passed

    def to_json(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "limit_mb": self.limit_mb,
            "max_bytes_per_call": self.max_bytes_per_call,
            "passed": self.passed,
            "growth": self.growth,
            "top_sites": self.sites,
            "load": self.load,
            "files": self.files,
        }


def _flamegraph(capture: Path, out: Path, *, leaks: bool) -> Path:
    command = [sys.executable, "-m", "memray", "flamegraph", "-f", "-o", str(out), str(capture)]
    if leaks:
        command.insert(4, "--leaks")
    done = subprocess.run(command, capture_output=True, text=True, timeout=FLAMEGRAPH_TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise LeakCheckError(f"memray flamegraph failed: {done.stderr[-500:]}")
    return out


def run_leak_check(
    profile_name: str,
    *,
    out_root: Path = DEFAULT_OUT,
    time_scale: float = 1.0,
    limit_mb: float = 100.0,
    native: bool = False,
    max_bytes_per_call: float | None = None,
) -> LeakReport:
    profile = load_profile(profile_name)
    out = out_root / profile.name
    out.mkdir(parents=True, exist_ok=True)
    capture = out / "server.memray.bin"
    caches = CacheSampler()
    load: LoadRun = run_profile(
        profile_name,
        out_root=out / "load",
        time_scale=time_scale,
        server_command=memray_command(capture, native=native),
        while_serving=lambda base_url: caches.running(f"{base_url}/metrics"),
    )
    if not capture.is_file():
        raise LeakCheckError(f"memray wrote no capture at {capture}; see {load.out_dir / 'server.log'}")
    start, points = timeline(capture)
    offset = load.started_at - start  # Locust began this long after tracking did
    duration = profile.shape.scaled(time_scale).duration_s
    growth = memory_growth(points, offset + warmup_s(profile, time_scale), offset + duration)
    # The bounded caches' bytes at the same two moments (their samples are in epoch seconds).
    growth |= split_growth(
        growth["rss_growth_mb"], caches.at(start + growth["warm_s"]), caches.at(start + growth["end_s"])
    )
    calls_warm = caches.calls_at(start + growth["warm_s"])
    growth |= per_call(growth, calls_warm, caches.calls_at(start + growth["end_s"]))
    report = LeakReport(profile.name, limit_mb, growth, top_sites(capture), load.summary.data)
    report.max_bytes_per_call = max_bytes_per_call
    report.files = {
        "flamegraph": _flamegraph(capture, out / "flamegraph.html", leaks=False).name,
        "flamegraph_leaks": _flamegraph(capture, out / "flamegraph-leaks.html", leaks=True).name,
        "plot": heap_and_rss(points, growth["warm_s"], growth["end_s"], out / "memory.png").name,
        "locust_html": str((load.out_dir / "report.html").relative_to(out)),
        "capture": capture.name,
    }
    (out / "leaks.json").write_text(json.dumps(report.to_json(), indent=1) + "\n", encoding="utf-8")
    (out / "leaks.md").write_text(markdown(report), encoding="utf-8")
    return report


def markdown(report: LeakReport) -> str:
    g = report.growth
    verdict = "PASS" if report.passed else "FAIL"
    lines = [
        f"# Leak check: profile `{report.profile}` under memray",
        "",
        f"**{verdict}**: RSS growth {g['rss_growth_mb']:.1f} MB (limit {report.limit_mb:g} MB) "
        f"from {g['warm_s']:.0f} s (warm-up end) to {g['end_s']:.0f} s (end of load).",
        "",
        "| | warm-up end | end of load | growth |",
        "| --- | --- | --- | --- |",
        f"| RSS (MB) | {g['rss_warm_mb']:.1f} | {g['rss_end_mb']:.1f} | {g['rss_growth_mb']:+.1f} |",
        f"| heap (MB) | {g['heap_warm_mb']:.1f} | {g['heap_end_mb']:.1f} | {g['heap_growth_mb']:+.1f} |",
        *_cache_rows(g),
        *_per_call_rows(report),
        "",
        f"Load: {report.load.get('calls')} calls, {report.load.get('failures')} failed.",
        "",
        "![heap and RSS](memory.png)",
        "",
        f"Flamegraphs: [high-water mark]({report.files['flamegraph']}), "
        f"[leaked at exit]({report.files['flamegraph_leaks']}); Locust: [{report.files['locust_html']}]"
        f"({report.files['locust_html']}).",
    ]
    for title, key in (
        ("Top allocation sites at the high-water mark", "high_water_mark"),
        ("Still allocated at exit", "leaked_at_exit"),
    ):
        lines += ["", f"## {title}", "", "| MB | allocations | where |", "| --- | --- | --- |"]
        lines += [
            f"| {s['size_mb']:.2f} | {s['allocations']} | `{s['function']}` {s['file']}:{s['line']} |"
            for s in report.sites[key]
        ]
    return "\n".join(lines) + "\n"


def _per_call_rows(report: LeakReport) -> list[str]:
    g = report.growth
    if "retained_bytes_per_call" not in g:
        return ["| heap retained per call | not measured (no call count or cache bytes scraped) | | |"]
    bound = "" if report.max_bytes_per_call is None else f" (limit {report.max_bytes_per_call:g} B)"
    mark = "" if report.per_call_passed else " **FAIL**"
    return [
        f"| heap retained per call, caches subtracted (B){bound}{mark} | | "
        f"{g['calls_in_window']:.0f} calls | {g['retained_bytes_per_call']:+.0f} |"
    ]


def _cache_rows(g: dict[str, float]) -> list[str]:
    """Bounded caches (store, evicted-id ring) against RSS: what growth they account for."""
    if "caches_growth_mb" not in g:
        return ["| bounded caches (MB) | not scraped | | |"]
    return [
        f"| bounded caches (MB) | {g['caches_warm_mb']:.1f} | {g['caches_end_mb']:.1f} | "
        f"{g['caches_growth_mb']:+.1f} |",
        f"| RSS growth no bounded cache accounts for (MB) | | | {g['unexplained_growth_mb']:+.1f} |",
    ]
