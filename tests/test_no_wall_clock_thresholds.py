"""No test in tests/ bounds a measured time from above by a fixed number.

A loaded machine makes anything slower, so "it took under 0.5 s" fails by chance and blocks
a landing; speed is measured by the gates and benchmarks, which print figures. A test may
bound a time from below (a delay really happened), compare two times measured in the same
run (``fast < slow``), or wait on an event with a fail-safe. This scan finds an ``assert``
comparing a measured time (``elapsed``, ``took``, ``seconds``, ``latency_s``, a
``perf_counter()``/``monotonic()`` difference...) as smaller than a fixed figure.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
TIMED_NAMES = frozenset(
    {"elapsed", "elapsed_s", "took", "wall", "wall_s", "seconds", "latency_s", "duration_s"}
)
CLOCKS = frozenset({"perf_counter", "monotonic", "time"})


def _timed_name(name: str) -> bool:
    return name in TIMED_NAMES or "elapsed" in name


def _is_timed(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and _timed_name(sub.id):
            return True
        if isinstance(sub, ast.Attribute) and _timed_name(sub.attr):
            return True
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr in CLOCKS:
            return True
    return False


def _is_deadline(node: ast.AST) -> bool:
    """``now < deadline`` in a polling loop is a fail-safe on a wait for an event, not a bound."""
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return "deadline" in name


def _upper_bounds(compare: ast.Compare) -> bool:
    operands = [compare.left, *compare.comparators]
    for op, left, right in zip(compare.ops, operands, operands[1:], strict=False):
        if (
            isinstance(op, ast.Lt | ast.LtE)
            and _is_timed(left)
            and not (_is_timed(right) or _is_deadline(right))
        ):
            return True
        if (
            isinstance(op, ast.Gt | ast.GtE)
            and _is_timed(right)
            and not (_is_timed(left) or _is_deadline(left))
        ):
            return True
    return False


def wall_clock_upper_bounds(source: str) -> list[int]:
    """Line numbers of asserts bounding a measured time from above by a fixed figure."""
    found: list[int] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assert) and any(
            isinstance(sub, ast.Compare) and _upper_bounds(sub) for sub in ast.walk(node.test)
        ):
            found.append(node.lineno)
    return found


def test_the_scan_finds_an_upper_bound_and_lets_the_rest_through() -> None:
    bad = (
        "assert elapsed < 0.5\nassert time.perf_counter() - t0 < 1\nassert all(c.seconds < 0.05 for c in x)\n"
    )
    assert wall_clock_upper_bounds(bad) == [1, 2, 3]
    good = "assert elapsed >= 0.4\nassert fast < slow\nassert none < kept < both\nassert timeout < 0.3\n"
    good += "assert 0.4 < slow.latency_s\nassert time.monotonic() < deadline, 'never reported'\n"
    assert wall_clock_upper_bounds(good) == []


def test_no_test_bounds_a_measured_time_from_above() -> None:
    offenders = [
        f"{path.relative_to(TESTS.parent)}:{line}"
        for path in sorted(TESTS.rglob("*.py"))
        if path.name != Path(__file__).name
        for line in wall_clock_upper_bounds(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "wall-clock upper bounds (assert behaviour or compare in-run):\n" + "\n".join(
        offenders
    )
