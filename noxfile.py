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
        *session.posargs,
    )


@nox.session
def chaos(session: nox.Session) -> None:
    """The chaos library against zen_server on embedded fakes; red on any failed hypothesis."""
    _install(session)
    session.run("zen-harness", "run", "scenarios/", "--reports", "reports/chaos", *session.posargs)
