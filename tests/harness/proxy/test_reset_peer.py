"""reset_peer: the client sees "connection reset by peer", after the timeout."""

from __future__ import annotations

import time

import pytest

from harness.proxy.testing import Driver, EchoServer, connect, read_until_closed


@pytest.mark.parametrize("stream", ["downstream", "upstream"])
def test_reset_peer_resets_the_connection(driver: Driver, echo_server: EchoServer, stream: str) -> None:
    address = driver.create_proxy("rp", echo_server.address)
    driver.add_toxic("rp", "reset_peer", {"timeout": 0}, stream=stream)
    with connect(address) as sock:
        sock.sendall(b"hello")
        data, ending = read_until_closed(sock)
    assert ending == "reset"
    assert data == b""


def test_reset_peer_waits_for_its_timeout_after_the_first_data(
    driver: Driver, echo_server: EchoServer
) -> None:
    address = driver.create_proxy("rp2", echo_server.address)
    driver.add_toxic("rp2", "reset_peer", {"timeout": 300}, stream="upstream")
    with connect(address) as sock:
        started = time.perf_counter()
        sock.sendall(b"hello")
        _, ending = read_until_closed(sock)
        elapsed = time.perf_counter() - started
    assert ending == "reset"
    assert elapsed >= 0.3
