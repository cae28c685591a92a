"""The programs a cluster needs besides Python, and the line that installs the missing ones."""

from __future__ import annotations

import shutil

from harness.cluster.haproxy import haproxy_executable
from harness.errors import ClusterToolMissing


def missing_cluster_tools() -> list[str]:
    """``haproxy`` and/or ``redis-server`` when not installed (HAProxy is also looked for in /usr/sbin)."""
    missing = []
    try:
        haproxy_executable()
    except ClusterToolMissing:
        missing.append("haproxy")
    if shutil.which("redis-server") is None:
        missing.append("redis-server")
    return missing


def install_hint(missing: list[str]) -> str:
    names = " ".join(missing)
    return f"the cluster needs {' and '.join(missing)}: install it (Debian/Ubuntu: apt-get install {names})"
