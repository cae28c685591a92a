"""Every workflow a person or CI runs. `nox -l` lists them.

Every session runs in the project's own `.venv` (the one the README creates), not in a
virtualenv of its own: one environment of ~700 MB instead of one per session. A session
creates `.venv` when it is missing and installs the project with its dev extra again when
pyproject.toml changed since the last install, so a fresh machine with only Python needs
nothing else. Everything a session writes goes under `runs/` (ignored by git); the
committed reference reports change only through `nox -s reference`.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import nox

nox.options.default_venv_backend = "none"
nox.options.sessions = ["lint", "typecheck", "tests"]

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".zen-dev-install"  # the pyproject digest the venv was installed from
PACKAGES = ["zen_server", "fakes", "harness"]
COVERAGE_DIR = "runs/coverage"


def _venv(session: nox.Session) -> None:
    """Make sure `.venv` exists and holds the project's current dev extra."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not (BIN / "python").exists():
        session.run(sys.executable, "-m", "venv", str(VENV), external=True)
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        session.run(str(BIN / "python"), "-m", "pip", "install", "-q", "--upgrade", "pip", external=True)
        session.run(str(BIN / "python"), "-m", "pip", "install", "-q", "-e", ".[dev]", external=True)
        STAMP.write_text(wanted + "\n")


def _run(session: nox.Session, tool: str, *args: str, **kwargs: Any) -> None:
    """Run a tool installed in `.venv` (pytest, zen-harness, ruff, mypy)."""
    session.run(str(BIN / tool), *args, external=True, **kwargs)


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite (pass extra pytest args after --)."""
    _venv(session)
    _run(session, "pytest", "-q", "-n", "2", *session.posargs, env={"PYTHONFAULTHANDLER": "1"})


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    _venv(session)
    _run(session, "ruff", "check", ".")
    _run(session, "ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the packages and their tests."""
    _venv(session)
    _run(session, "mypy", *PACKAGES, "tests")


@nox.session
def coverage(session: nox.Session) -> None:
    """Tests under coverage with branch measurement, then the coverage gate; into runs/coverage/."""
    _venv(session)
    os.makedirs(COVERAGE_DIR, exist_ok=True)
    _run(
        session,
        "pytest",
        "-q",
        "-n",
        "2",
        "--cov",
        "--cov-branch",
        "--cov-report=term",
        f"--cov-report=json:{COVERAGE_DIR}/coverage.json",
        f"--junitxml={COVERAGE_DIR}/junit.xml",
        *session.posargs,
    )
    _run(session, "zen-harness", "gate", "coverage", "--coverage-json", f"{COVERAGE_DIR}/coverage.json")


@nox.session
def chaos(session: nox.Session) -> None:
    """The chaos library against zen_server, or the scenarios named after -- (files or names)."""
    _venv(session)
    _run(session, "zen-harness", "run", *session.posargs)


@nox.session
def mutants(session: nox.Session) -> None:
    """Seeded defects (harness/mutants/catalogue.yaml) against the chaos checks they name;
    red when a defect escapes every check. Matrix in runs/mutants/matrix.md."""
    _venv(session)
    _run(session, "zen-harness", "mutants", *session.posargs)


@nox.session
def load(session: nox.Session) -> None:
    """A Locust load profile, headless (default smoke); CSV + HTML into runs/load/<profile>/."""
    _venv(session)
    _run(session, "zen-harness", "load", *(session.posargs or ["smoke"]))


@nox.session
def leaks(session: nox.Session) -> None:
    """pytest-memray limits, then zen_server under memray through a profile (default: a short soak)."""
    _venv(session)
    _run(session, "pytest", "-q", "--memray", "tests/harness/leaks")
    _run(session, "zen-harness", "leaks", *(session.posargs or ["soak", "--time-scale", "0.2"]))


@nox.session(name="soak-long")
def soak_long(session: nox.Session) -> None:
    """30-minute plateau soak under memray, store held at 100 threads: growth from minute 5 < 5 MB."""
    _venv(session)
    _run(session, "zen-harness", "leaks", "soak-long", "--limit-mb", "5", *session.posargs)


def _gate(session: nox.Session, phase: str) -> None:
    """One phase's gates through ``zen-harness gate``, the session's own arguments passed on."""
    _venv(session)
    _run(session, "zen-harness", "gate", phase, *session.posargs)


@nox.session
def phase1(session: nox.Session) -> None:
    """Phase-1 gates (100 concurrent, memory growth, monitoring, chaos); -- --full for the 5-min soak."""
    _gate(session, "phase1")


@nox.session
def phase3(session: nox.Session) -> None:
    """Phase-3 gates: the cluster scenarios, concurrency across instances (needs haproxy, redis-server)."""
    _gate(session, "phase3")


@nox.session
def phase2(session: nox.Session) -> None:
    """Phase-2 gates (server.py lines, tools incompatible with upstream, whole suite green)."""
    _gate(session, "phase2")


@nox.session
def phase4(session: nox.Session) -> None:
    """Phase-4 gates (routing strategy table on three deployments, routing overhead)."""
    _gate(session, "phase4")


@nox.session
def fuzz(session: nox.Session) -> None:
    """Hypothesis against zen-server over stdio and HTTP at the full budget; report in runs/fuzz/."""
    _venv(session)
    _run(session, "zen-harness", "fuzz", "--budget", "full", *session.posargs)


UPSTREAM = ("pal", "pal-mcp-server==11.8.2")  # the baseline scored beside zen_server


@nox.session
def compare(session: nox.Session) -> None:
    """The upstream (pal-mcp-server 11.8.2, installed into the cache) beside zen_server: chaos,
    phase-1/2 gates, one run; publishes reports/upstream/README.md. -- --short for CI's version."""
    _venv(session)
    _run(session, "zen-harness", "baseline", "install", *UPSTREAM, "--if-missing")
    publish = [] if "--short" in session.posargs else ["--publish", "reports/upstream"]
    # 1 is a red zen_server gate or scenario: the page is written and published all the same.
    _run(session, "zen-harness", "compare", f"baseline:{UPSTREAM[0]}", *publish, *session.posargs,
         success_codes=[0, 1])  # fmt: skip


@nox.session
def reference(session: nox.Session) -> None:
    """Refresh the reference reports: coverage, phase2, chaos, phase1 into runs/, then publish."""
    changed = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, check=False
    ).stdout
    if changed:  # the publish step would refuse it anyway; say so before 15 minutes of runs
        session.error(f"commit first: a reference names the commit it measured\n{changed}")
    _venv(session)
    coverage(session)
    _run(session, "zen-harness", "gate", "phase2", "--junit", f"{COVERAGE_DIR}/junit.xml")
    _run(session, "zen-harness", "run", "scenarios/", success_codes=[0, 1])
    _run(session, "zen-harness", "gate", "phase1", success_codes=[0, 1])
    _run(session, "zen-harness", "reference")


@nox.session
def bench(session: nox.Session) -> None:
    """Hot-path micro-benchmarks (pytest-benchmark) against benchmarks/baseline.json; into runs/bench/.

    Fails when a median is more than the report's tolerance (2x) above the baseline's; pass
    ``-- --quick`` for one round each (they run, nothing is compared), as .ci/run does.
    """
    _venv(session)
    storage = "--benchmark-storage=runs/bench/storage"  # pytest-benchmark's own folder, under runs/ too
    if "--quick" in session.posargs:
        _run(session, "pytest", "-q", "benchmarks/micro", "--benchmark-disable", storage)
        return
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    os.makedirs("runs/bench", exist_ok=True)
    result = f"runs/bench/{commit or 'unknown'}.json"
    _run(session, "pytest", "-q", "benchmarks/micro", storage, f"--benchmark-json={result}", *session.posargs)
    _run(session, "python", "-m", "harness.bench_report", "compare", result)
