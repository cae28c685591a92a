"""Benchmark of the embedded Toxiproxy with no toxics: throughput and added latency per hop.

Run: ``python benchmarks/bench_proxy.py [--megabytes 256] [--round-trips 2000] [--mode subprocess|thread]``.
The proxy runs in a subprocess by default (its own interpreter, as a real toxiproxy-server
would), so the client and upstream in this process do not compete with it for the GIL.
``run_benchmark`` is importable so a test can run a tiny version.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from harness.proxy.embedded import EmbeddedToxiproxy
from harness.proxy.process import ToxiproxyProcess
from harness.proxy.testing import EchoServer, connect, recv_exactly
from harness.toxiproxy_client import SyncToxiproxyClient

MESSAGE = b"x" * 64
BLOCK = b"\xab" * (256 * 1024)


@dataclass(frozen=True)
class BenchResult:
    megabytes: float
    throughput_mb_s: float  # 1 MB = 10^6 bytes, one hop, client -> upstream
    rtt_direct_us: float  # median round trip of a 64-byte message without the proxy
    rtt_one_hop_us: float
    rtt_two_hops_us: float

    @property
    def added_per_hop_us(self) -> float:
        return (self.rtt_two_hops_us - self.rtt_direct_us) / 2

    def report(self) -> str:
        return "\n".join(
            [
                f"throughput (1 hop, {self.megabytes:g} MB): {self.throughput_mb_s:8.1f} MB/s",
                f"round trip direct:           {self.rtt_direct_us:8.1f} us (median)",
                f"round trip 1 hop:            {self.rtt_one_hop_us:8.1f} us (median)",
                f"round trip 2 hops:           {self.rtt_two_hops_us:8.1f} us (median)",
                f"added latency per hop:       {self.added_per_hop_us:8.1f} us",
            ]
        )


class _SinkServer:
    """Counts what it receives; answers one byte when ``expected`` bytes have arrived."""

    def __init__(self, expected: int) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(30)
        self.address = f"127.0.0.1:{self._listener.getsockname()[1]}"
        self._expected = expected
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self._listener.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(30)
            received = 0
            while received < self._expected:
                data = conn.recv(1024 * 1024)
                if not data:
                    return
                received += len(data)
            conn.sendall(b"!")

    def close(self) -> None:
        self._listener.close()
        self._thread.join(5)


@contextmanager
def _toxiproxy(mode: str) -> Iterator[str]:
    if mode == "subprocess":
        with ToxiproxyProcess(lifetime=300) as process:
            yield process.url
    else:
        with EmbeddedToxiproxy() as embedded:
            yield embedded.url


def _median_rtt_us(address: tuple[str, int], round_trips: int) -> float:
    samples: list[float] = []
    with connect(address) as sock:
        for _ in range(round_trips):
            started = time.perf_counter()
            sock.sendall(MESSAGE)
            recv_exactly(sock, len(MESSAGE))
            samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1e6


def _throughput(client: SyncToxiproxyClient, total: int) -> float:
    sink = _SinkServer(total)
    try:
        proxy = client.create_proxy("bench-sink", sink.address)
        with connect(proxy.listen_address) as sock:
            sock.settimeout(60)
            started = time.perf_counter()
            sent = 0
            while sent < total:
                chunk = BLOCK[: total - sent]
                sock.sendall(chunk)
                sent += len(chunk)
            assert sock.recv(1) == b"!"
            elapsed = time.perf_counter() - started
        client.delete_proxy("bench-sink")
    finally:
        sink.close()
    return total / elapsed / 1e6


def run_benchmark(megabytes: float = 256, round_trips: int = 2000, mode: str = "subprocess") -> BenchResult:
    total = int(megabytes * 1e6)
    echo = EchoServer()
    try:
        with _toxiproxy(mode) as url, SyncToxiproxyClient(url) as client:
            first = client.create_proxy("bench-hop1", echo.address)
            second = client.create_proxy("bench-hop2", first.listen)
            _median_rtt_us(second.listen_address, 20)  # warm up both hops
            direct = _median_rtt_us(("127.0.0.1", echo.port), round_trips)
            one_hop = _median_rtt_us(first.listen_address, round_trips)
            two_hops = _median_rtt_us(second.listen_address, round_trips)
            throughput = _throughput(client, total)
    finally:
        echo.close()
    return BenchResult(megabytes, throughput, direct, one_hop, two_hops)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--megabytes", type=float, default=256)
    parser.add_argument("--round-trips", type=int, default=2000)
    parser.add_argument("--mode", choices=("subprocess", "thread"), default="subprocess")
    args = parser.parse_args()
    started = time.perf_counter()
    result = run_benchmark(args.megabytes, args.round_trips, args.mode)
    print(f"embedded toxiproxy, no toxics, proxy in a {args.mode}")
    print(result.report())
    print(f"(benchmark took {time.perf_counter() - started:.1f}s)")


if __name__ == "__main__":
    main()
