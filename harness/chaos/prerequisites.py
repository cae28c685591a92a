"""Programs a scenario needs besides Python, and what to do when one is missing.

The README's first command must work on a machine with only Python: there, a scenario that
needs redis-server or HAProxy is reported "not applicable" with the install line, never run
and never counted as red. Under CI=true a missing program is a failure instead (the
scenario runs and its start-up says what is missing), so CI cannot go green by skipping.
"""

from __future__ import annotations

import os
import shutil

from harness.chaos.scenario import Scenario
from harness.cluster.haproxy import haproxy_executable
from harness.errors import ClusterToolMissing

INSTALL = {
    "redis-server": "Debian: apt-get install redis-server",
    "haproxy": "Debian: apt-get install haproxy",
}


def _installed(program: str) -> bool:
    if program == "haproxy":
        try:
            haproxy_executable()  # also looks in /usr/sbin, which a non-root PATH may lack
        except ClusterToolMissing:
            return False
        return True
    return shutil.which(program) is not None


def needed_programs(scenario: Scenario) -> list[str]:
    needed: list[str] = []
    if scenario.redis is not None or scenario.target.kind == "cluster":
        needed.append("redis-server")
    if scenario.target.kind == "cluster":
        needed.append("haproxy")
    return needed


def missing_reason(scenario: Scenario, environ: dict[str, str] | None = None) -> str | None:
    """Why ``scenario`` cannot run on this machine, or None (always None under CI=true)."""
    env = os.environ if environ is None else environ
    if env.get("CI", "").lower() == "true":
        return None
    missing = [program for program in needed_programs(scenario) if not _installed(program)]
    if not missing:
        return None
    return "needs " + ", ".join(f"{p} ({INSTALL[p]})" for p in missing) + ", which is not installed"
