"""Programs a scenario needs besides Python, and what to do when one is missing.

The README's first command must work on a machine with only Python: there, a scenario that
needs redis-server or HAProxy is reported "not applicable" with the install line, never run
and never counted as red. Under CI=true a missing program is a failure instead (the
scenario runs and its start-up says what is missing), so CI cannot go green by skipping.
"""

from __future__ import annotations

import os

from harness.chaos.scenario import Scenario
from harness.cluster.tools import missing_cluster_tools


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
    needed = needed_programs(scenario)
    missing = [program for program in missing_cluster_tools() if program in needed] if needed else []
    if not missing:
        return None
    names = " ".join(missing)
    return f"needs {', '.join(missing)}, which is not installed (Debian: apt-get install {names})"
