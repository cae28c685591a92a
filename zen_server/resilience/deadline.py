"""Deadlines: one absolute time per tool call, visible to everything the call does.

The executor opens a deadline scope around a tool call; anything below (router, retry
policy, provider) asks :func:`remaining` how long it may still take, so retries and
timeouts can never outlive the call. The deadline lives in a ContextVar, so concurrent
calls on one event loop each see their own, and tasks spawned inside a call inherit it.
Expiry itself is enforced by :func:`deadline_scope` with ``asyncio.timeout``: when it
fires, the work is cancelled and :class:`DeadlineExceeded` is raised instead.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar

from zen_server.errors import DeadlineExceeded

_deadline: ContextVar[float | None] = ContextVar("zen_deadline", default=None)


def now() -> float:
    return time.monotonic()


def current_deadline() -> float | None:
    """Absolute monotonic time the current call must finish by, or None outside any call."""
    return _deadline.get()


def remaining(default: float = 300.0) -> float:
    """Seconds left before the current deadline (never negative); ``default`` outside a call."""
    deadline = _deadline.get()
    if deadline is None:
        return default
    return max(0.0, deadline - now())


@asynccontextmanager
async def deadline_scope(seconds: float, *, what: str = "call") -> AsyncIterator[float]:
    """Run the block with a deadline ``seconds`` from now (or the outer one, if sooner).

    Raises DeadlineExceeded when the block overruns; the block's work is cancelled.
    """
    outer = _deadline.get()
    deadline = now() + seconds
    if outer is not None and outer < deadline:
        deadline = outer
    token = _deadline.set(deadline)
    try:
        async with asyncio.timeout_at(_loop_time_for(deadline)):
            yield deadline
    except TimeoutError as exc:
        raise DeadlineExceeded(
            f"{what} did not finish within its deadline of {seconds:.1f} s", deadline_s=seconds
        ) from exc
    finally:
        _deadline.reset(token)


def _loop_time_for(monotonic_deadline: float) -> float:
    # asyncio's clock is time.monotonic on every supported platform, but convert explicitly.
    loop = asyncio.get_running_loop()
    return loop.time() + (monotonic_deadline - now())
