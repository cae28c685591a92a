"""Leak checks: zen_server under memray through a load profile (see ``runner.py``)."""

from harness.leaks.analysis import MemoryPoint, Site, memory_growth, timeline, top_sites
from harness.leaks.errors import LeakCheckError
from harness.leaks.runner import LeakReport, memray_command, run_leak_check

__all__ = [
    "LeakCheckError",
    "LeakReport",
    "MemoryPoint",
    "Site",
    "memory_growth",
    "memray_command",
    "run_leak_check",
    "timeline",
    "top_sites",
]
