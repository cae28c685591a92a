"""slicer: data arrives in pieces of about average_size, all of it, in order."""

from __future__ import annotations

import itertools

from harness.proxy.testing import Driver, EchoServer, connect
from harness.proxy.toxics.slicer import SlicerToxic


def test_slicer_delivers_in_pieces(driver: Driver, echo_server: EchoServer) -> None:
    address = driver.create_proxy("sl", echo_server.address)
    driver.add_toxic("sl", "slicer", {"average_size": 10, "size_variation": 4, "delay": 30_000})
    payload = bytes(range(100))
    pieces: list[bytes] = []
    with connect(address) as sock:
        sock.sendall(payload)
        while sum(map(len, pieces)) < len(payload):
            piece = sock.recv(1000)
            assert piece, "closed early"
            pieces.append(piece)
    assert b"".join(pieces) == payload
    assert len(pieces) >= 4  # 30 ms between ~10-byte pieces: reads cannot merge them all
    assert max(map(len, pieces)) < len(payload)


def test_cut_points_cover_the_chunk_with_bounded_pieces() -> None:
    toxic = SlicerToxic(average_size=10, size_variation=3, delay=0)
    for size in (1, 9, 10, 14, 100, 4096):
        points = toxic.cut_points(size)
        sizes = [b - a for a, b in itertools.pairwise(points)]
        assert points[0] == 0 and points[-1] == size
        assert all(0 < s <= 13 for s in sizes)


def test_cut_points_survive_variation_larger_than_average() -> None:
    toxic = SlicerToxic(average_size=2, size_variation=50, delay=0)
    points = toxic.cut_points(500)
    assert points == sorted(points) and points[-1] == 500
    assert len(set(points)) == len(points)


def test_slicer_without_average_size_passes_chunks_whole() -> None:
    assert SlicerToxic().cut_points(1000) == [0, 1000]
