"""The chaos harness's errors, as one tree.

    HarnessError (harness.errors)
    └── ChaosError
        ├── ScenarioError        a scenario file cannot be used: each issue names file, line, field
        ├── EnvironmentStartError  a fake, proxy or target did not come up (says which and why)
        └── ActionError          a timeline action or rollback could not be carried out

A failed hypothesis is not an error: it is a red verdict in the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.errors import HarnessError


class ChaosError(HarnessError):
    """Base class of every error the chaos harness raises on purpose."""


@dataclass(frozen=True)
class ScenarioIssue:
    """One problem in a scenario file, located for the reader."""

    file: Path
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else str(self.file)
        return f"{where}: {self.field or '<root>'}: {self.message}"


class ScenarioError(ChaosError):
    """The scenario file is invalid; ``issues`` lists every problem found."""

    def __init__(self, issues: list[ScenarioIssue]) -> None:
        super().__init__("\n".join(str(issue) for issue in issues))
        self.issues = issues


class EnvironmentStartError(ChaosError):
    """A fake provider, proxy or the target server could not be started."""


class ActionError(ChaosError):
    """A timeline action or rollback failed; the message names the action."""
