"""bandwidth: throughput through the toxic stays at the configured KB/s."""

from __future__ import annotations

import threading
import time

from harness.proxy.testing import Driver, EchoServer, connect, recv_exactly


def test_bandwidth_caps_throughput_within_30_percent(driver: Driver, echo_server: EchoServer) -> None:
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
    assert expected * 0.7 <= elapsed <= expected * 1.3, f"{elapsed:.2f}s for an expected {expected:.2f}s"


def test_bandwidth_zero_rate_means_unlimited(driver: Driver, echo_server: EchoServer) -> None:
    address = driver.create_proxy("bw0", echo_server.address)
    driver.add_toxic("bw0", "bandwidth", {"rate": 0})
    payload = b"x" * 200_000
    with connect(address) as sock:
        started = time.perf_counter()
        sender = threading.Thread(target=sock.sendall, args=(payload,))
        sender.start()
        assert recv_exactly(sock, len(payload)) == payload
        sender.join(5)
        assert time.perf_counter() - started < 1.0
