"""The interface every hypothesis implements, the verdict it returns, and the registry.

A hypothesis is a pydantic model (its fields are its thresholds, validated when the
scenario loads) with one pure method, ``evaluate(run) -> Verdict``, that judges a finished
run's ``RunData``. No data is never a pass: a hypothesis that cannot see the calls it is
about comes out red and says so. Adding a hypothesis = one module + ``register``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from harness.chaos.records import RunData

Figure = float | int | str | None
Phase = Literal["before", "during", "after", "run", "fault"]  # fault: first fault start to last clear


@dataclass(frozen=True)
class Verdict:
    """Whether one hypothesis held, with the figures behind the answer."""

    name: str
    kind: str
    phase: str
    passed: bool
    observed: str
    expected: str
    figures: dict[str, Figure] = field(default_factory=dict)
    detail: str = ""


class HypothesisSpec(BaseModel):
    """Fields every hypothesis shares."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str
    name: str | None = None
    phase: Phase = "during"

    kind: ClassVar[str] = ""

    def evaluate(self, run: RunData) -> Verdict:  # pragma: no cover - every hypothesis overrides
        raise NotImplementedError

    def title(self) -> str:
        return self.name or f"{self.kind} ({self.phase})"

    def verdict(
        self, passed: bool, observed: str, expected: str, detail: str = "", **figures: Figure
    ) -> Verdict:
        return Verdict(self.title(), self.kind, self.phase, passed, observed, expected, figures, detail)

    def no_data(self, what: str) -> Verdict:
        return self.verdict(False, "no data", "data to judge", f"no {what} in phase {self.phase}")


H = TypeVar("H", bound=type[HypothesisSpec])
HYPOTHESES: dict[str, type[HypothesisSpec]] = {}


def register(cls: H) -> H:
    """Class decorator: make the hypothesis available under its ``kind`` name."""
    if not cls.kind or cls.kind in HYPOTHESES:
        raise ValueError(f"hypothesis kind {cls.kind!r} is empty or registered twice")
    HYPOTHESES[cls.kind] = cls
    return cls
