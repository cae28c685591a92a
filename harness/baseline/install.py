"""Installing a baseline: an isolated venv, pip's own resolver, the server's console script.

The venv is made without pip and filled by this interpreter's pip (``pip --python``), so
no second pip is bootstrapped per baseline. Everything pip and venv print goes to
``install.log``; a failure raises ``BaselineInstallError`` carrying that log. The command
recorded is the console script of the first requirement's distribution (or ``script``),
run from the baseline's own ``work/`` folder.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from harness.baseline.errors import BaselineError, BaselineInstallError
from harness.baseline.profiles import profile_for
from harness.baseline.registry import Baseline, baseline_dir

INSTALL_TIMEOUT_S = 900.0
DISTRIBUTION = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
# Run inside the baseline's venv: its distributions' versions and console scripts.
INSPECT = """
import importlib.metadata as md, json, sys
name = sys.argv[1]
dist = md.distribution(name)
scripts = sorted(ep.name for ep in dist.entry_points if ep.group == "console_scripts")
versions = {d.metadata["Name"]: d.version for d in md.distributions()}
print(json.dumps({"name": dist.metadata["Name"], "scripts": scripts, "versions": versions}))
"""


def distribution_of(requirement: str) -> str:
    match = DISTRIBUTION.match(requirement)
    if match is None or requirement.lstrip().startswith("-"):
        raise BaselineError(f"{requirement!r} is not a pip requirement naming a distribution")
    return match.group(1)


def _step(argv: Sequence[str], log: Path, what: str, timeout_s: float) -> str:
    """Run one install step, its output appended to ``log``; stdout returned."""
    with open(log, "ab") as out:
        out.write(f"$ {' '.join(argv)}\n".encode())
        out.flush()
        try:
            done = subprocess.run(
                list(argv), stdout=subprocess.PIPE, stderr=out, timeout=timeout_s, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise BaselineInstallError(f"{what} took over {timeout_s:g}s", log) from exc
        except OSError as exc:
            raise BaselineInstallError(f"{what} could not run: {exc}", log) from exc
        out.write(done.stdout)
    if done.returncode != 0:
        raise BaselineInstallError(f"{what} failed with exit status {done.returncode}", log)
    return done.stdout.decode("utf-8", "replace")


def install(
    name: str,
    requirements: Sequence[str],
    *,
    script: str | None = None,
    python: str = sys.executable,
    timeout_s: float = INSTALL_TIMEOUT_S,
) -> Baseline:
    """Build (from scratch) the baseline ``name`` and record it; returns the record."""
    if not requirements:
        raise BaselineError("name at least one requirement, e.g. pal-mcp-server==11.8.2")
    distribution = distribution_of(requirements[0])
    folder = baseline_dir(name)
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "work").mkdir(parents=True)
    log = folder / "install.log"
    log.write_text("")
    venv = folder / "venv"
    _step([python, "-m", "venv", "--without-pip", str(venv)], log, "creating the venv", timeout_s)
    venv_python = venv / "bin" / "python"
    pip = [python, "-m", "pip", "--python", str(venv_python), "install", "--no-input", *requirements]
    _step(pip, log, "pip install " + " ".join(requirements), timeout_s)
    found = json.loads(_step([str(venv_python), "-c", INSPECT, distribution], log, "inspecting", 60))
    scripts: list[str] = found["scripts"]
    chosen = script or (distribution if distribution in scripts else (scripts[0] if scripts else None))
    if chosen is None or chosen not in scripts:
        raise BaselineInstallError(
            f"{distribution} installs no console script {script or ''!s} to run "
            f"(it has: {', '.join(scripts) or 'none'}); pass --script NAME",
            log,
        )
    record = Baseline(
        name=name,
        requirements=list(requirements),
        command=[str(venv / "bin" / chosen)],
        transport="stdio",
        distribution=found["name"],
        versions=found["versions"],
        profile=profile_for(found["name"]).name,
        installed_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    record.save()
    return record
