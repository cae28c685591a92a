"""The same gates green on zen_server (the fast ones; the soak and chaos run in `nox -s phase1`)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from harness.gates.evaluate import PhaseResult

RunGates = Callable[..., PhaseResult]


def verdicts(result: PhaseResult) -> dict[str, str]:
    return {o.gate.name: o.verdict for o in result.outcomes}


pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def test_phase1_concurrency_and_monitoring_gates_are_green_on_zen_server(run_gates: RunGates) -> None:
    result = run_gates("phase1", {"burst", "monitoring"})
    assert set(verdicts(result).values()) == {"pass"}, [o.row() for o in result.outcomes]
    burst = result.measurements["burst"]
    assert burst.values["provider_max_in_flight"] == 100, "all 100 calls overlap at the provider"
    assert [row["concurrency"] for row in burst.details["levels"]] == [100, 10, 25, 50]
    assert (result.measurements["burst"].plots[0]).stat().st_size > 10_000


def test_phase2_static_and_compat_gates_are_green_on_zen_server(run_gates: RunGates) -> None:
    result = run_gates("phase2", {"server_lines", "compat"})
    assert set(verdicts(result).values()) == {"pass"}, [o.row() for o in result.outcomes]
