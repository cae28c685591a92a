"""Asking several models the same question at once, each answer or failure kept separately.

Every request goes through ``ctx.models.generate``; the requests run concurrently and each
is cut off a little before the call's deadline, so a hanging provider costs its own answer
and never the others': the call still returns, on time, with every answer that arrived and
the reason each missing one is missing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from zen_server.errors import ZenError
from zen_server.providers.types import ModelCaller, ModelRequest, ModelResponse
from zen_server.resilience.deadline import remaining

# Time kept back from the call's deadline to assemble and return the answers that did arrive.
MIN_RESERVE_S = 0.25
RESERVE_SHARE = 0.05


@dataclass(frozen=True, slots=True)
class Outcome:
    """One model's answer, or why there is none."""

    label: str
    response: ModelResponse | None = None
    error: str | None = None
    error_type: str | None = None

    @property
    def ok(self) -> bool:
        return self.response is not None


def _budget() -> float:
    left = remaining()
    return max(0.0, left - max(MIN_RESERVE_S, left * RESERVE_SHARE))


async def _one(models: ModelCaller, label: str, request: ModelRequest, budget: float) -> Outcome:
    try:
        async with asyncio.timeout(budget):
            return Outcome(label=label, response=await models.generate(request))
    except TimeoutError:
        return Outcome(
            label=label,
            error=f"no answer within the call's deadline ({budget:.1f} s left for model calls)",
            error_type="DeadlineExceeded",
        )
    except ZenError as exc:
        return Outcome(label=label, error=str(exc) or type(exc).__name__, error_type=type(exc).__name__)
    except Exception as exc:  # a bug in one provider path must not sink the other answers
        return Outcome(
            label=label, error=f"unexpected failure: {type(exc).__name__}", error_type="InternalError"
        )


async def ask_all(models: ModelCaller, requests: Sequence[tuple[str, ModelRequest]]) -> list[Outcome]:
    """Run every (label, request) concurrently; outcomes come back in the order given."""
    budget = _budget()
    return list(await asyncio.gather(*(_one(models, label, request, budget) for label, request in requests)))


__all__ = ["MIN_RESERVE_S", "RESERVE_SHARE", "Outcome", "ask_all"]
