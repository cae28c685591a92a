"""The baseline area's errors, leaves of ``HarnessError``.

    HarnessError (harness.errors)
    └── BaselineError
        ├── BaselineNotInstalled   ``baseline:NAME`` names nothing in the cache (install it first)
        ├── BaselineInstallError   the venv or pip failed; carries the install log's path and tail
        └── BaselineStartError     the installed server did not start or answer MCP; its log

A baseline that cannot be installed or started is a harness error, never a red verdict:
the scenarios did not run against it, so they say nothing about it.
"""

from __future__ import annotations

from pathlib import Path

from harness.errors import HarnessError

LOG_TAIL_CHARS = 2000


def log_tail(log: Path, chars: int = LOG_TAIL_CHARS) -> str:
    """The end of a log file (the part naming the failure), or a note that there is none."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return f"(no log at {log})"
    return text[-chars:].strip() or "(the log is empty)"


class BaselineError(HarnessError):
    """Base of every baseline error."""


class BaselineNotInstalled(BaselineError):
    """``baseline:NAME`` was asked for but ``zen-harness baseline install NAME ...`` never ran."""


class BaselineInstallError(BaselineError):
    """Building the baseline's venv or installing its requirements failed."""

    def __init__(self, message: str, log: Path) -> None:
        super().__init__(f"{message}; install log {log}:\n{log_tail(log)}")
        self.log = log


class BaselineStartError(BaselineError):
    """The installed baseline did not start, or did not answer MCP's initialize and tools/list."""

    def __init__(self, message: str, log: Path) -> None:
        super().__init__(f"{message}; server log {log}:\n{log_tail(log)}")
        self.log = log
