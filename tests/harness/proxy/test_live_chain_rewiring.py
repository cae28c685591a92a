"""Live connections through several toxics: chains stack, rewire around a removed toxic, and are cut."""

from __future__ import annotations

import socket
import time

import httpx
import pytest

from harness.proxy.testing import EchoServer, HttpDriver, connect, read_until_closed, round_trip


@pytest.fixture
def http_driver(api: httpx.Client) -> HttpDriver:
    return HttpDriver(api)


def test_toxics_of_one_direction_stack_and_removing_the_last_rewires_the_chain(
    http_driver: HttpDriver, echo_server: EchoServer
) -> None:
    address = http_driver.create_proxy("two", echo_server.address)
    http_driver.add_toxic("two", "latency", {"latency": 500}, name="first")
    http_driver.add_toxic("two", "latency", {"latency": 1000}, name="second")
    with connect(address) as sock:
        both = round_trip(sock)
        assert both >= 1.5  # both delays apply on a connection opened with both
        http_driver.remove_toxic("two", "second")
        kept = round_trip(sock)
        assert kept >= 0.5  # the first still applies, and data still flows through it
        http_driver.remove_toxic("two", "first")
        none = round_trip(sock)
    # Compared within this run (no wall-clock bound): each removal took its delay away.
    assert none < kept < both, (none, kept, both)


def test_removing_a_throttle_mid_transfer_hands_on_held_and_queued_data_at_once(
    http_driver: HttpDriver, echo_server: EchoServer
) -> None:
    address = http_driver.create_proxy("slow", echo_server.address)
    http_driver.add_toxic("slow", "bandwidth", {"rate": 1}, name="bw")  # 1000 B/s
    with connect(address) as sock:
        sock.sendall(b"a" * 60_000)  # a minute of slices at this rate
        time.sleep(0.15)
        sock.sendall(b"b" * 10)  # queued behind the chunk being sliced
        time.sleep(0.15)
        http_driver.remove_toxic("slow", "bw")
        # Still throttled, this would take a minute; 20 s is a fail-safe no busy machine
        # needs for 60 kB on loopback, not a speed target.
        sock.settimeout(20)
        deadline = time.monotonic() + 20
        data = b""
        while len(data) < 60_010 and time.monotonic() < deadline:
            piece = sock.recv(65536)
            if not piece:
                break
            data += piece
    assert data == b"a" * 60_000 + b"b" * 10  # nothing lost, nothing reordered


def test_disabling_cuts_a_connection_whose_toxic_holds_data(
    http_driver: HttpDriver, echo_server: EchoServer
) -> None:
    address = http_driver.create_proxy("held", echo_server.address)
    http_driver.add_toxic("held", "latency", {"latency": 10_000})
    with connect(address) as sock:
        sock.sendall(b"held back")
        time.sleep(0.1)
        http_driver.set_enabled("held", False)
        data, ending = read_until_closed(sock, timeout=5.0)  # "open" if it was not cut
    assert data == b""  # the delayed data is dropped with the connection
    assert ending in ("eof", "reset")


def test_a_client_that_resets_its_connection_ends_the_upstream_one_too(
    http_driver: HttpDriver, echo_server: EchoServer
) -> None:
    address = http_driver.create_proxy("rst", echo_server.address)
    with connect(address) as sock:
        round_trip(sock)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    # close() with linger 0 sends RST; the proxy must close its upstream side in turn.
    echo_server.wait_for_connections(1, timeout=3.0)
    assert echo_server.received == [4]
    # The proxy stays usable for the next client.
    with connect(address) as sock:
        assert round_trip(sock) > 0  # answered (recv_exactly raises if the proxy closed it)


def test_an_upstream_nobody_listens_on_closes_the_client_at_once(http_driver: HttpDriver) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"127.0.0.1:{probe.getsockname()[1]}"  # bound, never listening: refused
        address = http_driver.create_proxy("dead", dead)
        with connect(address) as sock:
            data, ending = read_until_closed(sock, timeout=3.0)
    assert data == b""
    assert ending in ("eof", "reset")
