"""timeout: data stops; the connection closes after the timeout, or never with 0."""

from __future__ import annotations

import time

from harness.proxy.testing import Driver, EchoServer, connect, read_until_closed


def test_timeout_stops_data_and_closes_after_the_timeout(driver: Driver, echo_server: EchoServer) -> None:
    address = driver.create_proxy("to", echo_server.address)
    driver.add_toxic("to", "timeout", {"timeout": 300})
    with connect(address) as sock:
        started = time.perf_counter()
        sock.sendall(b"hello")
        data, ending = read_until_closed(sock)
        elapsed = time.perf_counter() - started
    assert (data, ending) == (b"", "eof")  # closed by the toxic ("open" had it kept waiting)
    assert elapsed >= 0.25


def test_timeout_zero_holds_forever_until_removed(driver: Driver, echo_server: EchoServer) -> None:
    address = driver.create_proxy("to0", echo_server.address)
    driver.add_toxic("to0", "timeout", {"timeout": 0}, name="hold")
    with connect(address) as sock:
        sock.sendall(b"hello")
        assert read_until_closed(sock, timeout=0.6) == (b"", "open")
        driver.remove_toxic("to0", "hold")
        # The held data was dropped, so Toxiproxy closes the stream rather than resume it.
        _, ending = read_until_closed(sock)
    assert ending == "eof"


def test_connection_opened_after_removing_timeout_flows(driver: Driver, echo_server: EchoServer) -> None:
    address = driver.create_proxy("to1", echo_server.address)
    driver.add_toxic("to1", "timeout", {"timeout": 0}, name="hold")
    driver.remove_toxic("to1", "hold")
    with connect(address) as sock:
        sock.sendall(b"hello")
        assert sock.recv(100) == b"hello"
