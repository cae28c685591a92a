"""latency: each round trip takes at least the configured delay, live changes apply."""

from __future__ import annotations

import httpx

from harness.proxy.testing import Driver, EchoServer, connect, round_trip
from harness.proxy.toxics.latency import LatencyToxic


def test_downstream_latency_adds_at_least_its_amount_per_round_trip(
    driver: Driver, echo_server: EchoServer
) -> None:
    address = driver.create_proxy("lat", echo_server.address)
    driver.add_toxic("lat", "latency", {"latency": 150})
    with connect(address) as sock:
        assert all(round_trip(sock) >= 0.15 for _ in range(3))


def test_latency_in_both_directions_adds_up(driver: Driver, echo_server: EchoServer) -> None:
    address = driver.create_proxy("lat2", echo_server.address)
    driver.add_toxic("lat2", "latency", {"latency": 100}, stream="upstream")
    driver.add_toxic("lat2", "latency", {"latency": 100}, stream="downstream")
    with connect(address) as sock:
        assert round_trip(sock) >= 0.2


def test_removing_latency_lets_the_open_connection_run_without_it(
    driver: Driver, echo_server: EchoServer
) -> None:
    address = driver.create_proxy("lat3", echo_server.address)
    driver.add_toxic("lat3", "latency", {"latency": 400}, name="slow")
    with connect(address) as sock:
        assert round_trip(sock) >= 0.4
        driver.remove_toxic("lat3", "slow")
        assert round_trip(sock) < 0.3


def test_latency_added_to_an_open_connection_applies_to_it(driver: Driver, echo_server: EchoServer) -> None:
    address = driver.create_proxy("lat4", echo_server.address)
    with connect(address) as sock:
        assert round_trip(sock) < 0.3
        driver.add_toxic("lat4", "latency", {"latency": 300})
        assert round_trip(sock) >= 0.3


def test_updating_latency_changes_the_delay_of_an_open_connection(
    api: httpx.Client, echo_server: EchoServer
) -> None:
    listen = api.post("/proxies", json={"name": "lat5", "upstream": echo_server.address}).json()["listen"]
    api.post("/proxies/lat5/toxics", json={"name": "l", "type": "latency", "attributes": {"latency": 50}})
    host, _, port = listen.rpartition(":")
    with connect((host, int(port))) as sock:
        assert round_trip(sock) >= 0.05
        response = api.patch("/proxies/lat5/toxics/l", json={"attributes": {"latency": 350}})
        assert response.json()["attributes"] == {"latency": 350, "jitter": 0}
        assert round_trip(sock) >= 0.35


def test_jitter_spreads_delay_evenly_around_latency() -> None:
    toxic = LatencyToxic(latency=100, jitter=50)
    delays = [toxic.delay_seconds() for _ in range(500)]
    assert all(0.05 <= d < 0.15 for d in delays)
    assert min(delays) < 0.07 and max(delays) > 0.13  # the whole range is used
