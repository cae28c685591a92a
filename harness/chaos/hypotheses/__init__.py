"""Hypotheses: one module per kind of check, behind ``HypothesisSpec``.

Importing this package registers every built-in hypothesis in ``HYPOTHESES``.
"""

from harness.chaos.hypotheses import (
    action_done,
    availability,
    breaker,
    error_rate,
    in_flight_only,
    integrity,
    latency,
    memory,
    provider_load,
    recovery,
    retries,
    secrets,
    store_integrity,
    throughput,
    traffic,
)
from harness.chaos.hypotheses.base import HYPOTHESES, HypothesisSpec, Verdict, register

__all__ = [
    "HYPOTHESES",
    "HypothesisSpec",
    "Verdict",
    "action_done",
    "availability",
    "breaker",
    "error_rate",
    "in_flight_only",
    "integrity",
    "latency",
    "memory",
    "provider_load",
    "recovery",
    "register",
    "retries",
    "secrets",
    "store_integrity",
    "throughput",
    "traffic",
]
