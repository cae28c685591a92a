"""slow_close: the close reaches the client only after the delay; data is unaffected."""

from __future__ import annotations

import socket
import time

from harness.proxy.testing import Driver, EchoServer, connect, read_until_closed


def _close_delay(address: tuple[str, int]) -> tuple[bytes, str, float]:
    with connect(address) as sock:
        sock.sendall(b"bye")
        time.sleep(0.1)  # let the echo come back before we close our side
        started = time.perf_counter()
        sock.shutdown(socket.SHUT_WR)
        data, ending = read_until_closed(sock)
        return data, ending, time.perf_counter() - started


def test_slow_close_delays_the_close_by_its_delay(driver: Driver, echo_server: EchoServer) -> None:
    address = driver.create_proxy("sc", echo_server.address)
    driver.add_toxic("sc", "slow_close", {"delay": 400})
    data, ending, elapsed = _close_delay(address)
    assert (data, ending) == (b"bye", "eof")
    assert elapsed >= 0.4


def test_without_slow_close_the_close_is_prompt(driver: Driver, echo_server: EchoServer) -> None:
    delayed = driver.create_proxy("sc1", echo_server.address)
    driver.add_toxic("sc1", "slow_close", {"delay": 2000})
    *_, delayed_elapsed = _close_delay(delayed)
    address = driver.create_proxy("sc0", echo_server.address)
    data, ending, elapsed = _close_delay(address)
    assert (data, ending) == (b"bye", "eof")
    assert elapsed < delayed_elapsed, (elapsed, delayed_elapsed)  # compared within this run
