"""A load run's figures as plain data: what the Locust process writes and the runner judges.

``summary_of`` reads Locust ``StatsEntry`` objects (duck-typed, so this module does not
import Locust) into a JSON-able dict; ``LoadSummary`` is that dict typed, with the SLO
verdicts of a profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.load.profile import SloSpec

PERCENTILES = (0.5, 0.9, 0.95, 0.99)


def summary_of(merged: Any, handshakes: Any, peak_users: int) -> dict[str, Any]:
    """Counts, rate and latency percentiles (ms) of the merged tool-call entry."""
    count = int(merged.num_requests)
    return {
        "calls": count,
        "failures": int(merged.num_failures),
        "error_rate": (merged.num_failures / count) if count else 0.0,
        "rps": float(merged.total_rps),
        "latency_ms": {
            f"p{round(q * 100)}": (float(merged.get_response_time_percentile(q)) if count else None)
            for q in PERCENTILES
        }
        | {"max": float(merged.max_response_time) if count else None},
        "handshakes": int(handshakes.num_requests) if handshakes is not None else 0,
        "handshake_failures": int(handshakes.num_failures) if handshakes is not None else 0,
        "peak_users": peak_users,
    }


@dataclass(frozen=True)
class SloCheck:
    name: str
    target: str
    measured: str
    passed: bool


@dataclass(frozen=True)
class LoadSummary:
    data: dict[str, Any]

    @property
    def calls(self) -> int:
        return int(self.data.get("calls", 0))

    @property
    def p95_ms(self) -> float | None:
        value = self.data.get("latency_ms", {}).get("p95")
        return None if value is None else float(value)

    @property
    def error_rate(self) -> float:
        return float(self.data.get("error_rate", 1.0))

    def checks(self, slo: SloSpec) -> list[SloCheck]:
        """p95 and error rate against the profile's SLO; no calls at all fails both."""
        p95 = self.p95_ms
        return [
            SloCheck("calls made", "> 0", str(self.calls), self.calls > 0),
            SloCheck(
                "p95 latency", f"< {slo.p95_ms:g} ms", "n/a" if p95 is None else f"{p95:.0f} ms",
                p95 is not None and p95 < slo.p95_ms,
            ),
            SloCheck(
                "error rate", f"< {slo.error_rate:.1%}", f"{self.error_rate:.2%}",
                self.calls > 0 and self.error_rate < slo.error_rate,
            ),
        ]  # fmt: skip
