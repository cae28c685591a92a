"""The official toxiproxy-python client, unchanged, against the API: its calls and exceptions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from toxiproxy import Toxiproxy
from toxiproxy.api import APIConsumer
from toxiproxy.exceptions import InvalidToxic, NotFound, ProxyExists

from harness.proxy.testing import EchoServer, connect, round_trip


@pytest.fixture
def server(toxiproxy_url: str) -> Iterator[Any]:
    saved = (APIConsumer.host, APIConsumer.port)
    parts = urlsplit(toxiproxy_url)
    toxiproxy = Toxiproxy()
    toxiproxy.update_api_consumer(parts.hostname, parts.port)
    try:
        yield toxiproxy
    finally:
        APIConsumer.host, APIConsumer.port = saved


def test_running_and_version(server: Any) -> None:
    assert server.running() is True
    assert json.loads(server.version())["version"]


def test_proxies_toxics_and_destroy(server: Any, echo_server: EchoServer) -> None:
    proxy = server.create(upstream=echo_server.address, name="official")
    assert server.get_proxy("official").listen == proxy.listen
    proxy.add_toxic(type="latency", attributes={"latency": 5})
    toxics = proxy.toxics()
    assert list(toxics) == ["latency_downstream"]
    assert toxics["latency_downstream"].attributes == {"latency": 5, "jitter": 0}
    assert proxy.destroy_toxic("latency_downstream") is True
    assert proxy.toxics() == {}
    server.destroy_all()
    assert server.proxies() == {}


def test_proxy_down_refuses_connections_inside_the_block(server: Any, echo_server: EchoServer) -> None:
    proxy = server.create(upstream=echo_server.address, name="down")
    host, _, port = proxy.listen.rpartition(":")
    with proxy.down(), pytest.raises(ConnectionRefusedError):
        connect((host, int(port)))
    with connect((host, int(port))) as sock:
        round_trip(sock)


def test_populate_and_reset(server: Any, echo_server: EchoServer) -> None:
    created = server.populate([{"name": "pop", "upstream": echo_server.address, "listen": "127.0.0.1:0"}])
    assert [p.name for p in created] == ["pop"]
    server.get_proxy("pop").disable()
    assert server.reset() is True
    assert server.get_proxy("pop").enabled is True


def test_api_errors_map_to_the_clients_exceptions(server: Any) -> None:
    proxy = server.create(upstream="127.0.0.1:9", name="errs")
    with pytest.raises(ProxyExists):
        server.create(upstream="127.0.0.1:9", name="errs")
    with pytest.raises(ProxyExists):  # the 409 from the server itself, not the client's pre-check
        APIConsumer.post("/proxies", json={"name": "errs", "upstream": "127.0.0.1:9"})
    with pytest.raises(InvalidToxic):
        proxy.add_toxic(type="volcano")
    with pytest.raises(NotFound):
        proxy.destroy_toxic("nope")
    assert server.get_proxy("missing") is None
