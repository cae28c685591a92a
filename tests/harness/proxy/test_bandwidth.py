"""bandwidth: throughput through the toxic stays at the configured KB/s."""

from __future__ import annotations

import threading
import time

from harness.proxy.testing import Driver, EchoServer, connect, recv_exactly


def test_bandwidth_caps_throughput_at_the_configured_rate(driver: Driver, echo_server: EchoServer) -> None:
    rate_kb = 250
    payload = bytes(range(256)) * 1465  # 375 KB: 1.5 s at 250 KB/s
    address = driver.create_proxy("bw", echo_server.address)
    driver.add_toxic("bw", "bandwidth", {"rate": rate_kb})
    with connect(address) as sock:
        started = time.perf_counter()
        sender = threading.Thread(target=sock.sendall, args=(payload,))
        sender.start()
        assert recv_exactly(sock, len(payload)) == payload
        elapsed = time.perf_counter() - started
        sender.join(5)
    expected = len(payload) / (rate_kb * 1000)
    # The cap: never faster than the rate allows (a busy machine only makes it slower; how
    # close to the rate it stays is a figure for benchmarks/bench_proxy.py, not a test).
    assert elapsed >= expected * 0.7, f"{elapsed:.2f}s for an expected {expected:.2f}s"


def _transfer_s(address: tuple[str, int], payload: bytes) -> float:
    with connect(address) as sock:
        started = time.perf_counter()
        sender = threading.Thread(target=sock.sendall, args=(payload,))
        sender.start()
        assert recv_exactly(sock, len(payload)) == payload
        sender.join(5)
        return time.perf_counter() - started


def test_bandwidth_zero_rate_means_unlimited(driver: Driver, echo_server: EchoServer) -> None:
    payload = b"x" * 200_000
    throttled = driver.create_proxy("bw100", echo_server.address)
    driver.add_toxic("bw100", "bandwidth", {"rate": 100})  # 2 s for this payload
    unlimited = driver.create_proxy("bw0", echo_server.address)
    driver.add_toxic("bw0", "bandwidth", {"rate": 0})
    slow, fast = _transfer_s(throttled, payload), _transfer_s(unlimited, payload)
    assert slow >= 2.0 * 0.7
    assert fast < slow, (fast, slow)  # compared within this run, not to a fixed bound
