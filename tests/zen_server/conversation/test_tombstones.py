"""The evicted-id ring: remembers the last N ids in memory fixed at construction."""

from __future__ import annotations

import pytest

from zen_server.conversation.tombstones import DIGEST_BYTES, TombstoneRing


def test_remembers_the_last_capacity_ids_and_forgets_the_oldest() -> None:
    ring = TombstoneRing(3)
    for tid in ("a", "b", "c", "d"):
        ring.add(tid)
    assert "a" not in ring  # overwritten by "d"
    assert all(tid in ring for tid in ("b", "c", "d"))
    assert "never-added" not in ring


def test_memory_is_fixed_whatever_is_added() -> None:
    ring = TombstoneRing(1000)
    before = ring.nbytes
    for number in range(5000):
        ring.add(f"thread-{number}")
    assert ring.nbytes == before == 1000 * DIGEST_BYTES


def test_a_match_straddling_two_slots_is_not_membership() -> None:
    ring = TombstoneRing(2)
    ring.add("x")
    ring.add("y")
    # Forge the ring so the digest of "z" appears only across the slot boundary.
    from zen_server.conversation.tombstones import _digest

    target = _digest("z")
    half = DIGEST_BYTES // 2
    ring._ring[half : half + DIGEST_BYTES] = target
    assert "z" not in ring
    ring.add("z")
    assert "z" in ring


def test_clear_forgets_everything() -> None:
    ring = TombstoneRing(4)
    ring.add("a")
    ring.clear()
    assert "a" not in ring


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError, match="capacity"):
        TombstoneRing(0)
