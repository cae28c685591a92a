"""limit_data: the stream closes after exactly the byte count."""

from __future__ import annotations

from harness.proxy.testing import Driver, EchoServer, connect, read_until_closed


def test_limit_data_downstream_closes_after_the_byte_count(driver: Driver, echo_server: EchoServer) -> None:
    address = driver.create_proxy("ld", echo_server.address)
    driver.add_toxic("ld", "limit_data", {"bytes": 1000})
    payload = bytes(range(250)) * 12
    with connect(address) as sock:
        sock.sendall(payload)
        data, ending = read_until_closed(sock)
    assert ending == "eof"
    assert data == payload[:1000]


def test_limit_data_upstream_delivers_only_the_byte_count(driver: Driver, echo_server: EchoServer) -> None:
    address = driver.create_proxy("ld2", echo_server.address)
    driver.add_toxic("ld2", "limit_data", {"bytes": 500}, stream="upstream")
    with connect(address) as sock:
        sock.sendall(b"a" * 2000)
        _, ending = read_until_closed(sock)
    echo_server.wait_for_connections(1)
    assert ending in ("eof", "reset")
    assert echo_server.received == [500]


def test_limit_data_counts_across_chunks(driver: Driver, echo_server: EchoServer) -> None:
    address = driver.create_proxy("ld3", echo_server.address)
    driver.add_toxic("ld3", "limit_data", {"bytes": 10})
    with connect(address) as sock:
        sock.sendall(b"1234")
        assert sock.recv(100) == b"1234"
        sock.sendall(b"5678")
        assert sock.recv(100) == b"5678"
        sock.sendall(b"abcdef")
        data, ending = read_until_closed(sock)
    assert (data, ending) == (b"ab", "eof")
