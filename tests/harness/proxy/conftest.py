"""Fixtures for the proxy tests: a Toxiproxy API, upstream servers and two API drivers.

``toxiproxy_url`` is the embedded proxy in a background thread, or the real
toxiproxy-server at $TOXIPROXY_URL when set (so the suite checks both). ``driver`` runs a
test twice: through raw HTTP and through the official toxiproxy-python client.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest

from harness.proxy import EmbeddedToxiproxy
from harness.proxy.testing import Driver, EchoServer, HttpDriver, OfficialDriver


@pytest.fixture
def echo_server() -> Iterator[EchoServer]:
    server = EchoServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def toxiproxy_url() -> Iterator[str]:
    real = os.environ.get("TOXIPROXY_URL")
    if real:
        yield real.rstrip("/")
        with httpx.Client(base_url=real) as client:
            for name in client.get("/proxies").json():
                client.delete(f"/proxies/{name}")
        return
    embedded = EmbeddedToxiproxy()
    url = embedded.start_in_thread()
    try:
        yield url
    finally:
        embedded.stop_thread()


@pytest.fixture
def embedded_only() -> None:
    if os.environ.get("TOXIPROXY_URL"):
        pytest.skip("checks the embedded proxy itself, not the server at TOXIPROXY_URL")


@pytest.fixture
def api(toxiproxy_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=toxiproxy_url, timeout=30) as client:
        yield client


@pytest.fixture(params=["http", "official"])
def driver(request: pytest.FixtureRequest, toxiproxy_url: str, api: httpx.Client) -> Iterator[Driver]:
    if request.param == "http":
        yield HttpDriver(api)
        return
    from toxiproxy.api import APIConsumer

    saved = (APIConsumer.host, APIConsumer.port)
    try:
        yield OfficialDriver(toxiproxy_url)
    finally:
        APIConsumer.host, APIConsumer.port = saved
