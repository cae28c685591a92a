"""The tool mix a load user follows: weighted tool choice and conversation continuations.

Each user keeps one conversation thread. Before a call it continues the thread (passing
the server's ``continuation_id``) with probability ``continuation_ratio`` when it has one
and the thread has turns left, else it starts a new thread. Every prompt carries a unique
marker so a run's calls can be told apart in provider logs. Seeded, so a user repeats.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from typing import Any

from harness.load.profile import MixSpec, ToolWeight
from harness.load.wire import dig


@dataclass(frozen=True)
class PlannedCall:
    tool: str
    arguments: dict[str, Any]
    continued: bool


def fill(value: Any, replacements: dict[str, str]) -> Any:
    """``value`` with ``{name}`` placeholders replaced in every string, recursively."""
    if isinstance(value, str):
        for key, text in replacements.items():
            value = value.replace("{" + key + "}", text)
        return value
    if isinstance(value, dict):
        return {k: fill(v, replacements) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, replacements) for v in value]
    return value


class ToolMixPlanner:
    """Plans a user's next call and learns continuation ids from the replies."""

    def __init__(self, mix: MixSpec, *, workdir: str, seed: int | None = None) -> None:
        self._mix = mix
        self._rng = random.Random(seed)
        self._workdir = workdir
        self._weights = [tool.weight for tool in mix.tools]
        self.continuation_id: str | None = None
        self.turns = 0

    def _pick(self) -> ToolWeight:
        return self._rng.choices(self._mix.tools, weights=self._weights, k=1)[0]

    def next_call(self) -> PlannedCall:
        choice = self._pick()
        marker = f"zen-load-{uuid.UUID(int=self._rng.getrandbits(128)).hex[:16]}"
        arguments = fill(choice.arguments, {"marker": marker, "workdir": self._workdir})
        continued = (
            choice.continues
            and self.continuation_id is not None
            and self.turns < self._mix.max_turns
            and self._rng.random() < self._mix.continuation_ratio
        )
        if continued:
            arguments["continuation_id"] = self.continuation_id
        else:
            self.continuation_id, self.turns = None, 0
        return PlannedCall(choice.tool, arguments, continued)

    def observe(self, body: Any) -> None:
        """Remember the thread the server offered to continue (JSON result body)."""
        offered = dig(body, self._mix.continuation_path)
        if isinstance(offered, str) and offered:
            self.continuation_id = offered
            self.turns += 1
