"""How many bytes a stored thread keeps alive, and giving freed memory back to the OS.

The store's byte budget is only as good as this accounting: strings are measured with
``sys.getsizeof`` (their real in-memory size, not their text length) and every object
adds a fixed overhead measured on CPython 3.11 and rounded up, so the estimate errs high.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import json
import sys
from collections.abc import Callable

from zen_server.conversation.types import Thread, Turn

# Object headers, slots, tuple pointers and the table slot, measured once on CPython 3.11
# and rounded up: the accounting should err on the side of too many bytes.
_THREAD_OVERHEAD = 640
_TURN_OVERHEAD = 240


def turn_bytes(turn: Turn) -> int:
    """Memory kept alive by one turn (the strings it owns plus its object overhead)."""
    size = _TURN_OVERHEAD + sys.getsizeof(turn.content) + sys.getsizeof(turn.turn_id)
    for item in (*turn.files, *turn.images):
        size += sys.getsizeof(item) + 8
    return size


def state_bytes(state: dict[str, object]) -> int:
    """Memory of a thread's tool state, approximated by twice its JSON size (dict/str overhead)."""
    if not state:
        return 0
    return 2 * len(json.dumps(state, default=str))


def thread_bytes(thread: Thread) -> int:
    """Memory kept alive by ``thread``: header, state and every turn."""
    header = _THREAD_OVERHEAD + sys.getsizeof(thread.thread_id) + 8 * len(thread.turns)
    return header + state_bytes(thread.state) + sum(turn_bytes(t) for t in thread.turns)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    # find_library may run ldconfig: look it up once per process.
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def trim_process_heap() -> bool:
    """Ask glibc to return freed heap pages to the OS, so RSS falls after a big eviction.

    CPython frees large strings with ``free()``, but glibc keeps the pages until trimmed.
    Returns False where there is no glibc (macOS, musl): nothing to do there.
    """
    trim = _malloc_trim()
    return bool(trim(0)) if trim is not None else False


__all__ = ["state_bytes", "thread_bytes", "trim_process_heap", "turn_bytes"]
