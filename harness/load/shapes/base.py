"""What every load shape is: a pure function from seconds since start to (users, spawn rate).

A shape answers ``tick(t)`` with the number of users Locust should have at ``t`` and how
fast to get there (users per second), or ``None`` once the run is over. Shapes know
nothing of Locust, so they are tested as plain functions; ``locustfile.ProfileShape``
adapts the chosen one to Locust's ``LoadTestShape``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

Tick = tuple[int, float]


class ShapeBase(BaseModel):
    """Shared config and the time scaling every shape supports (short CI runs)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @property
    def duration_s(self) -> float:
        raise NotImplementedError

    @property
    def peak_users(self) -> int:
        raise NotImplementedError

    def tick(self, t: float) -> Tick | None:
        raise NotImplementedError

    def scaled(self, factor: float) -> ShapeBase:
        """The same shape with every ``*_s`` field multiplied by ``factor``."""
        fields = {k: v * factor if k.endswith("_s") else v for k, v in self.model_dump().items()}
        return self.model_validate(fields)


def fast_rate(users: int, seconds: float) -> float:
    """A spawn rate reaching ``users`` in about ``seconds`` (at least 1 user/s)."""
    return max(1.0, users / seconds) if seconds > 0 else float(max(users, 1))
