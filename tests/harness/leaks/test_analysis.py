"""Reading memray captures: growth after warm-up and the sites that hold memory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.leaks.analysis import MemoryPoint, memory_growth, timeline, top_sites

HOLDER = """
import time
held = []

def hold_memory():
    for _ in range(40):
        held.append(bytearray(1024 * 1024))
        time.sleep(0.02)

time.sleep(0.3)
hold_memory()
time.sleep(0.3)
"""


@pytest.fixture(scope="module")
def capture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("memray")
    script = workdir / "holder.py"
    script.write_text(HOLDER)
    out = workdir / "capture.bin"
    command = [sys.executable, "-m", "memray", "run", "--aggregate", "--force", "-o", str(out), str(script)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    return out


def test_timeline_shows_the_heap_growing_by_what_the_script_held(capture: Path) -> None:
    start, points = timeline(capture, every_s=0.05)
    assert start > 0 and len(points) >= 5
    figures = memory_growth(points, warm_s=0.0, end_s=points[-1].t_s)
    assert 35 <= figures["heap_growth_mb"] <= 60  # 40 MiB held
    assert figures["rss_growth_mb"] > 30


def test_top_sites_name_the_function_that_holds_memory(capture: Path) -> None:
    sites = top_sites(capture, top=3)
    peak = sites["high_water_mark"][0]
    assert peak["function"] == "hold_memory"
    assert peak["size_mb"] >= 39
    assert len(sites["leaked_at_exit"]) <= 3


def test_growth_is_measured_between_warm_up_and_end_of_load_only() -> None:
    points = [
        MemoryPoint(t, rss, heap)
        for t, rss, heap in [(0, 10, 1), (5, 50, 20), (10, 60, 25), (20, 90, 40), (30, 500, 300)]
    ]
    figures = memory_growth(points, warm_s=5, end_s=20)  # the spike at 30 s is after the load
    assert (figures["rss_warm_mb"], figures["rss_end_mb"], figures["rss_growth_mb"]) == (50, 90, 40)
    assert figures["heap_growth_mb"] == 20
