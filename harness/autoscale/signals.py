"""What the scaler reads from each instance's /metrics, summed into one cluster sample.

Series (docs/observability.md): ``zen_in_flight_requests`` + ``zen_queued_requests`` is an
instance's demand, ``zen_capacity_requests`` its capacity, ``zen_rejections_total`` the
calls it shed. An instance that does not answer, or lacks a series, makes the whole sample
fail with the instance named: the scaler then keeps the current count rather than size the
cluster on part of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import httpx
from prometheus_client.parser import text_string_to_metric_families

from harness.autoscale.errors import SignalError

DEMAND_SERIES = ("zen_in_flight_requests", "zen_queued_requests")
CAPACITY_SERIES = "zen_capacity_requests"
SHED_SERIES = "zen_rejections_total"
SCRAPE_TIMEOUT_S = 2.0


@dataclass(frozen=True, slots=True)
class InstanceSignals:
    demand: float
    capacity: float
    shed: float


@dataclass(frozen=True, slots=True)
class ClusterSample:
    instances: int
    demand: float
    capacity_per_instance: float
    shed: float


def parse_exposition(name: str, text: str) -> InstanceSignals:
    values: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            values[sample.name] = values.get(sample.name, 0.0) + float(sample.value)
    missing = [s for s in (*DEMAND_SERIES, CAPACITY_SERIES) if s not in values]
    if missing:
        raise SignalError(f"{name}'s /metrics lacks {', '.join(missing)}")
    return InstanceSignals(
        demand=sum(values[s] for s in DEMAND_SERIES),
        capacity=values[CAPACITY_SERIES],
        shed=values.get(SHED_SERIES, 0.0),
    )


def combine(readings: Sequence[InstanceSignals]) -> ClusterSample:
    if not readings:
        raise SignalError("no instance is running to read signals from")
    return ClusterSample(
        instances=len(readings),
        demand=sum(r.demand for r in readings),
        capacity_per_instance=min(r.capacity for r in readings),
        shed=sum(r.shed for r in readings),
    )


async def scrape(client: httpx.AsyncClient, instances: Sequence[tuple[str, str]]) -> ClusterSample:
    """``instances``: (name, base URL) pairs; every one must answer."""
    readings = []
    for name, base_url in instances:
        try:
            response = await client.get(f"{base_url}/metrics", timeout=SCRAPE_TIMEOUT_S)
        except httpx.HTTPError as exc:
            raise SignalError(f"{name}'s /metrics is unreachable: {exc!r}") from exc
        if response.status_code != 200:
            raise SignalError(f"{name}'s /metrics answered {response.status_code}")
        readings.append(parse_exposition(name, response.text))
    return combine(readings)


__all__ = ["ClusterSample", "InstanceSignals", "combine", "parse_exposition", "scrape"]
