"""Shared pieces of the hot-path micro-benchmarks (run by ``nox -s bench``, not by the unit suite).

The hot paths under test are coroutines that complete without suspending when nothing is
contended (an admission slot is free, the in-process store never awaits). ``drive`` runs
such a coroutine to completion by hand, so a benchmark times the path itself and not an
event loop's scheduling around it; a coroutine that does suspend is a bug in the
benchmark's setup and fails loudly.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pytest

T = TypeVar("T")


def run_without_loop(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never suspends; its return value."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    coro.close()
    raise RuntimeError("the benchmarked coroutine suspended: its fast path was not taken")


@pytest.fixture
def drive() -> Callable[[Coroutine[Any, Any, Any]], Any]:
    return run_without_loop


def pytest_benchmark_update_machine_info(config: pytest.Config, machine_info: dict[str, Any]) -> None:
    """Record the load average with every run: this machine is shared, and timings follow load."""
    machine_info["loadavg"] = [round(x, 2) for x in os.getloadavg()]
