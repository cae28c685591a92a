"""enabled=false cuts open connections and refuses new ones; enabling restores service."""

from __future__ import annotations

import pytest

from harness.proxy.testing import Driver, EchoServer, connect, read_until_closed, round_trip


def test_disabling_cuts_open_connections_and_refuses_new_ones(
    driver: Driver, echo_server: EchoServer
) -> None:
    address = driver.create_proxy("dis", echo_server.address)
    with connect(address) as sock:
        round_trip(sock)
        driver.set_enabled("dis", False)
        _, ending = read_until_closed(sock)
        assert ending in ("eof", "reset")
    with pytest.raises(ConnectionRefusedError):
        connect(address)
    driver.set_enabled("dis", True)
    with connect(address) as sock:
        assert round_trip(sock) < 1.0


def test_toxicity_zero_never_applies_and_one_always_does(driver: Driver, echo_server: EchoServer) -> None:
    address = driver.create_proxy("tox", echo_server.address)
    driver.add_toxic("tox", "limit_data", {"bytes": 0}, toxicity=0.0, name="never")
    with connect(address) as sock:
        round_trip(sock)
    driver.remove_toxic("tox", "never")
    driver.add_toxic("tox", "limit_data", {"bytes": 0}, toxicity=1.0, name="always")
    with connect(address) as sock:
        sock.sendall(b"x")
        assert read_until_closed(sock) == (b"", "eof")


def test_toxicity_is_drawn_per_connection(driver: Driver, echo_server: EchoServer) -> None:
    address = driver.create_proxy("half", echo_server.address)
    driver.add_toxic("half", "limit_data", {"bytes": 0}, toxicity=0.5)
    cut = 0
    for _ in range(30):
        with connect(address) as sock:
            sock.sendall(b"x")
            data, _ = read_until_closed(sock, timeout=0.5)
            cut += data == b""
    assert 3 <= cut <= 27  # binomial(30, 0.5): outside this range about once in 10^5 runs
