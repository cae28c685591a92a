"""TombstoneRing: the ids of evicted or expired threads, in memory fixed when the store is built.

The store remembers the last ``capacity`` removed thread ids so a late continuation hears
"expired or evicted, start a new conversation" instead of "never existed". This was an
``OrderedDict[str, None]``: about 190 bytes per id (the 36-character string plus the
ordered dict's entry and link), allocated one id at a time. A server whose store is full
removes one thread for every new one, so at 50 new conversations a second the set grew
~0.5 MB a minute until its 50,000 cap (17 minutes in): memray showed it as the largest
site still growing after the store was full (issue 21).

Here each id is its 8-byte string hash in a ring preallocated at its full size (400 KB
for 50,000 ids): memory does not move after start-up, whatever the traffic. The hash is
the one Python already computed and cached on the id string for the store's dict, so
remembering an id costs a slice assignment (a digest such as BLAKE2b added 1.4 us to every
eviction in ``benchmarks/micro``).
Membership scans the ring (``bytearray.find``, a C ``memmem``: tens of microseconds for a
full ring), which only runs when a continuation id is not in the store, an error path.
A collision would call an unknown id "expired" rather than "unknown": both tell the client
to start a new conversation, and with 64-bit hashes (salted per process) the chance is
about 50,000 in 2^64 per lookup. An id is
never taken out: the store looks at its live threads first, so a tombstone only speaks
for an id that has no thread (and a create never pays for a scan).
"""

from __future__ import annotations

DIGEST_BYTES = 8


def _digest(thread_id: str) -> bytes:
    # 0 marks a free slot, so an id hashing to 0 is stored as 1 (a harmless extra collision).
    return (hash(thread_id) or 1).to_bytes(DIGEST_BYTES, "little", signed=True)


class TombstoneRing:
    """The last ``capacity`` ids added; the oldest is overwritten when the ring is full."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be positive")
        self.capacity = capacity
        self._ring = bytearray(capacity * DIGEST_BYTES)
        self._next = 0  # the slot the next id goes to (the oldest one once the ring is full)

    def add(self, thread_id: str) -> None:
        start = self._next * DIGEST_BYTES
        self._ring[start : start + DIGEST_BYTES] = _digest(thread_id)
        self._next = (self._next + 1) % self.capacity

    def __contains__(self, thread_id: str) -> bool:
        return self._slot(_digest(thread_id)) is not None

    def clear(self) -> None:
        self._ring[:] = bytes(len(self._ring))
        self._next = 0

    @property
    def nbytes(self) -> int:
        """Bytes the ring holds (fixed at construction)."""
        return len(self._ring)

    def _slot(self, digest: bytes) -> int | None:
        at = self._ring.find(digest)
        while at != -1:
            if at % DIGEST_BYTES == 0:
                return at
            at = self._ring.find(digest, at + 1)  # matched across two slots: keep looking
        return None


__all__ = ["TombstoneRing"]
