"""Every workflow a person or CI runs. `nox -l` lists them.

Sessions reuse one virtualenv per session (``reuse_venv``) and install the project with
its dev extra, so a fresh machine with only Python needs nothing else.
"""

from __future__ import annotations

import os

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["lint", "typecheck", "tests"]

PACKAGES = ["zen_server", "fakes", "harness"]


def _install(session: nox.Session) -> None:
    session.install("-q", "-e", ".[dev]")


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite (pass extra pytest args after --)."""
    _install(session)
    session.run("pytest", "-q", *session.posargs, env={"PYTHONFAULTHANDLER": "1"})


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("-q", "ruff>=0.12")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the packages."""
    _install(session)
    session.run("mypy", *PACKAGES)


@nox.session
def coverage(session: nox.Session) -> None:
    """Tests under coverage with branch measurement; writes reports/coverage/."""
    _install(session)
    os.makedirs("reports/coverage", exist_ok=True)
    session.run(
        "pytest",
        "-q",
        "--cov",
        "--cov-branch",
        "--cov-report=term",
        "--cov-report=json:reports/coverage/coverage.json",
        "--junitxml=reports/coverage/junit.xml",
        *session.posargs,
    )
    session.run("zen-harness", "gate", "coverage", "--coverage-json", "reports/coverage/coverage.json")


@nox.session
def chaos(session: nox.Session) -> None:
    """The chaos library against zen_server on embedded fakes; red on any failed hypothesis."""
    _install(session)
    session.run("zen-harness", "run", "scenarios/", "--reports", "reports/chaos", *session.posargs)


@nox.session
def load(session: nox.Session) -> None:
    """A Locust load profile, headless (default smoke); CSV + HTML into reports/load/<profile>/."""
    _install(session)
    session.run("zen-harness", "load", *(session.posargs or ["smoke"]))


@nox.session
def leaks(session: nox.Session) -> None:
    """pytest-memray limits, then zen_server under memray through a profile (default: a short soak)."""
    _install(session)
    session.run("pytest", "-q", "--memray", "tests/harness/leaks")
    session.run("zen-harness", "leaks", *(session.posargs or ["soak", "--time-scale", "0.2"]))


@nox.session
def phase1(session: nox.Session) -> None:
    """Phase-1 gates (100 concurrent, memory growth, monitoring, chaos); -- --full for the 5-min soak."""
    _install(session)
    session.run("zen-harness", "gate", "phase1", *session.posargs)


@nox.session
def phase2(session: nox.Session) -> None:
    """Phase-2 gates (server.py lines, tools compatible with upstream, whole suite green)."""
    _install(session)
    session.run("zen-harness", "gate", "phase2", *session.posargs)


@nox.session
def fuzz(session: nox.Session) -> None:
    """Hypothesis against zen-server over stdio and HTTP at the full budget; report in reports/fuzz/runs/."""
    _install(session)
    session.run("zen-harness", "fuzz", "--budget", "full", *session.posargs)
