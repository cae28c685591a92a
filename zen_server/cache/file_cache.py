"""File text cached by the file's identity, so an edited file is never served from cache.

The key is ``(resolved path, device, inode, size, mtime_ns, ctime_ns, cap)`` taken from
``fstat`` of the descriptor being read, so any write (which moves mtime and ctime),
replacement (new inode), rename over it or truncation is a different key. Two more rules
close the gaps a stat key leaves:

* racily clean files (git's term): a file whose mtime or ctime is within
  ``RACY_WINDOW_NS`` of now may be written again inside the same timestamp tick with the
  same size, so its text is returned but not stored;
* a file whose stat differs after the read from before it changed while it was read: the
  reader gets a FileAccessError and nothing is stored.

Concurrent reads of the same version share one read (single-flight): the first reader
reads, the others wait for its text or its error, bounded by ``wait_s``.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from zen_server.cache.lru import ByteLRU, CacheStats
from zen_server.errors import FileAccessError

RACY_WINDOW_NS = 2_000_000_000
_ENTRY_OVERHEAD = 256  # the key, the entry and the hash, roughly


@dataclass(frozen=True, slots=True)
class FileIdentity:
    """One version of one file, as ``fstat`` saw it."""

    path: str
    device: int
    inode: int
    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, path: str, info: os.stat_result) -> FileIdentity:
        return cls(path, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)

    def racy(self, now_ns: int) -> bool:
        """Written so recently that a same-size write in the same tick could go unseen.

        A later write sets both mtime and ctime to its own time, so it goes unseen only if
        both stamps already lie in that tick: the older of the two decides.
        """
        return now_ns - min(self.mtime_ns, self.ctime_ns) < RACY_WINDOW_NS


@dataclass(frozen=True, slots=True)
class CachedText:
    """A file version's text (or why it has none) and the hash of its bytes."""

    text: str | None
    problem: str | None
    modified: float
    sha256: str
    storable: bool = True  # False: racily clean or short read; return it, do not keep it

    @property
    def size(self) -> int:
        return len(self.text or "") * 2 + _ENTRY_OVERHEAD  # str may hold up to 2-4 bytes a char


def text_entry(data: bytes, identity: FileIdentity, *, problem: str | None, now_ns: int) -> CachedText:
    text = None if problem is not None else data.decode("utf-8", errors="replace")
    return CachedText(
        text=text,
        problem=problem,
        modified=identity.mtime_ns / 1e9,
        sha256=hashlib.sha256(data).hexdigest(),
        storable=not identity.racy(now_ns) and len(data) == identity.size,
    )


@dataclass(slots=True)
class _Flight:
    done: threading.Event
    value: CachedText | None = None
    error: BaseException | None = None


Key = tuple[FileIdentity, int]


class FileContentCache:
    """Byte-bounded cache of file versions with single-flight reads; thread-safe."""

    def __init__(self, max_bytes: int, *, wait_s: float = 10.0) -> None:
        self._lru: ByteLRU[Key, CachedText] = ByteLRU(max_bytes)
        self._flights: dict[Key, _Flight] = {}
        self._lock = threading.Lock()
        self.wait_s = wait_s

    @property
    def stats(self) -> CacheStats:
        return self._lru.stats

    @property
    def bytes(self) -> int:
        return self._lru.bytes

    @property
    def max_bytes(self) -> int:
        return self._lru.max_bytes

    def get_or_read(self, identity: FileIdentity, cap: int, read: Callable[[], CachedText]) -> CachedText:
        """The cached version, another reader's result, or ``read()`` (stored when storable)."""
        key = (identity, cap)
        with self._lock:
            found = self._lru.get(key)
            if found is not None:
                return found
            flight = self._flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight(threading.Event())
            else:
                self._lru.stats.joins += 1
        if not leader:
            return self._wait(flight, identity)
        try:
            value = read()
            flight.value = value
            if value.storable:
                self._lru.put(key, value, value.size)
            return value
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                del self._flights[key]
            flight.done.set()

    def _wait(self, flight: _Flight, identity: FileIdentity) -> CachedText:
        if not flight.done.wait(self.wait_s):
            raise FileAccessError(
                f"file: {identity.path} is being read by another call that has not finished in "
                f"{self.wait_s:.1f} s (a slow or hung filesystem?); retry later"
            )
        if flight.error is not None:
            raise flight.error
        assert flight.value is not None
        return flight.value


def now_ns() -> int:
    return time.time_ns()


__all__ = ["RACY_WINDOW_NS", "CachedText", "FileContentCache", "FileIdentity", "now_ns", "text_entry"]
