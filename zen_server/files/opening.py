"""Opening a checked path: regular files only, never through a symlink swapped in after the check.

Blocking calls; they run on the file I/O pool (``io_pool.py``). The sequence:

1. ``lstat`` the resolved path: anything but a regular file (FIFO, device, socket,
   directory, a symlink that appeared since resolving) is refused before it is opened,
   so a FIFO can never block a thread and a device is never read;
2. open with ``O_NOFOLLOW | O_NONBLOCK`` (a last-moment swap to a link fails, a swap to a
   FIFO cannot block);
3. ``fstat`` the descriptor: still a regular file, and the same inode as step 1;
4. on Linux, the descriptor's own path (``/proc/self/fd/N``) must be the checked path, so
   a directory above it swapped for a symlink is caught too.

Reads take at most ``cap + 1`` bytes, so "too large" is known without reading more.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from zen_server.errors import FileAccessError

_OPEN_FLAGS = (
    os.O_RDONLY
    | os.O_NONBLOCK
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOCTTY", 0)
)
_READ_CHUNK = 1 << 16
_FD_LINKS = Path("/proc/self/fd")


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def stat_path(path: Path, label: str) -> os.stat_result:
    """``lstat`` with the client's label on failure (missing, unreadable)."""
    try:
        return os.lstat(path)
    except FileNotFoundError:
        raise FileAccessError(
            f"{label} does not exist; check the path and send an existing absolute path"
        ) from None
    except OSError as exc:
        raise FileAccessError(f"{label} cannot be inspected ({exc.strerror or exc})") from None


def require_regular(info: os.stat_result, label: str) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise FileAccessError(
            f"{label} is not a regular file ({kind_of(info.st_mode)}); send the path of an ordinary file"
        )


def _changed(label: str) -> FileAccessError:
    return FileAccessError(
        f"{label} changed while it was being opened (a link or file was swapped); send it again"
    )


def open_regular(path: Path, label: str) -> tuple[int, os.stat_result]:
    """An open descriptor on the regular file at ``path`` (already resolved and checked) and its stat."""
    before = stat_path(path, label)
    require_regular(before, label)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise FileAccessError(f"{label} cannot be opened ({exc.strerror or exc})") from None
    try:
        after = os.fstat(fd)
        if not stat.S_ISREG(after.st_mode) or (after.st_dev, after.st_ino) != (before.st_dev, before.st_ino):
            raise _changed(label)
        if sys.platform.startswith("linux") and os.readlink(_FD_LINKS / str(fd)) != str(path):
            raise _changed(label)
    except BaseException:
        os.close(fd)
        raise
    return fd, after


def read_at_most(fd: int, limit: int) -> bytes:
    """Up to ``limit`` bytes from ``fd`` (fewer only at end of file)."""
    chunks: list[bytes] = []
    left = limit
    while left > 0:
        chunk = os.read(fd, min(_READ_CHUNK, left))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_regular(path: Path, label: str, cap: int) -> tuple[bytes, os.stat_result]:
    """At most ``cap + 1`` bytes of the regular file at ``path``, and its stat (for the mtime)."""
    fd, info = open_regular(path, label)
    try:
        return read_at_most(fd, cap + 1), info
    finally:
        os.close(fd)


__all__ = ["kind_of", "open_regular", "read_at_most", "read_regular", "require_regular", "stat_path"]
