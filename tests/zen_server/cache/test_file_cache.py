"""The file content cache: versions keyed by identity, never stale, bounded, single-flight."""

from __future__ import annotations

import functools
import os
import threading
import time
from pathlib import Path

import pytest

from zen_server.cache.file_cache import CachedText, FileContentCache, FileIdentity, text_entry
from zen_server.errors import FileAccessError
from zen_server.files import FileAccess, FileIoPool, PathPolicy

OLD_NS = 1_600_000_000 * 1_000_000_000  # a timestamp well outside the racy window


def aged(path: Path, text: str) -> Path:
    """Write ``text`` and move its mtime into the past, as an untouched source file would be."""
    path.write_text(text)
    os.utime(path, ns=(OLD_NS, OLD_NS))
    return path


@pytest.fixture
def access() -> FileAccess:
    pool = FileIoPool(threads=2)
    return FileAccess(PathPolicy(), pool, content_cache=FileContentCache(1_000_000))


def cache_of(access: FileAccess) -> FileContentCache:
    assert access.content_cache is not None
    return access.content_cache


async def test_an_unchanged_file_is_read_once_and_then_served_from_cache(
    access: FileAccess, tmp_path: Path
) -> None:
    path = aged(tmp_path / "a.py", "print('hello')\n")
    first = await access.read_text(str(path))
    second = await access.read_text(str(path))
    assert first.text == second.text == "print('hello')\n"
    assert first.sha256 == second.sha256 is not None
    stats = cache_of(access).stats
    assert (stats.misses, stats.hits, stats.stores) == (1, 1, 1)


async def test_a_same_size_edit_with_the_mtime_put_back_is_still_seen(
    access: FileAccess, tmp_path: Path
) -> None:
    # The worst case for a stat key: same size, mtime restored. ctime still moves.
    path = aged(tmp_path / "a.py", "VALUE = 'old'\n")
    assert (await access.read_text(str(path))).text == "VALUE = 'old'\n"
    aged(path, "VALUE = 'new'\n")
    again = await access.read_text(str(path))
    assert again.text == "VALUE = 'new'\n"
    assert cache_of(access).stats.hits == 0


async def test_a_file_replaced_by_another_inode_is_read_again(access: FileAccess, tmp_path: Path) -> None:
    path = aged(tmp_path / "a.py", "one\n")
    await access.read_text(str(path))
    replacement = aged(tmp_path / "b.py", "two\n")
    os.replace(replacement, path)
    os.utime(path, ns=(OLD_NS, OLD_NS))
    assert (await access.read_text(str(path))).text == "two\n"


async def test_a_racily_clean_file_is_returned_but_not_stored(access: FileAccess, tmp_path: Path) -> None:
    path = tmp_path / "fresh.py"
    path.write_text("just written\n")  # mtime is now: a same-tick write could follow unseen
    assert (await access.read_text(str(path))).text == "just written\n"
    assert cache_of(access).stats.stores == 0 and len(cache_of(access)._lru) == 0


async def test_deleted_or_directory_replaced_files_get_a_problem_and_no_entry(
    access: FileAccess, tmp_path: Path
) -> None:
    path = aged(tmp_path / "a.py", "x = 1\n")
    await access.read_text(str(path))
    stored = cache_of(access).stats.stores
    path.unlink()
    gone = await access.read_text(str(path))
    assert gone.text is None and gone.problem is not None and "does not exist" in gone.problem
    path.mkdir()
    directory = await access.read_text(str(path))
    assert directory.text is None and directory.problem is not None and "directory" in directory.problem
    assert cache_of(access).stats.stores == stored


def test_a_file_written_while_it_is_read_is_refused_and_not_stored(tmp_path: Path) -> None:
    from zen_server.files.access import _read_entry

    path = aged(tmp_path / "a.py", "before\n")
    fd = os.open(path, os.O_RDONLY)
    try:
        identity = FileIdentity.of(str(path), os.fstat(fd))
        path.write_text("after, longer\n")  # a writer got in between the open and the read
        cache = FileContentCache(1_000_000)
        with pytest.raises(FileAccessError, match="changed while it was being read"):
            cache.get_or_read(identity, 1000, lambda: _read_entry(fd, identity, 1000, "file: a.py"))
    finally:
        os.close(fd)
    assert len(cache._lru) == 0 and cache.stats.stores == 0


def entry(text: str, identity: FileIdentity) -> CachedText:
    return text_entry(text.encode(), identity, problem=None, now_ns=OLD_NS + 10**12)


def identity(n: int, size: int = 10) -> FileIdentity:
    return FileIdentity(f"/f{n}", 1, n, size, OLD_NS, OLD_NS)


def test_the_cache_never_holds_more_than_its_byte_budget() -> None:
    cache = FileContentCache(4_000)
    for n in range(200):
        ident = identity(n, size=500)
        cache.get_or_read(ident, 10_000, functools.partial(entry, "x" * 500, ident))
        assert cache.bytes <= cache.max_bytes
    assert cache.stats.evictions > 0
    # The most recent version is still there; the first one was evicted.
    last = identity(199, size=500)
    assert cache.get_or_read(last, 10_000, lambda: pytest.fail("should be cached")).text == "x" * 500


def wait_for_joins(cache: FileContentCache, joins: int) -> None:
    give_up = time.monotonic() + 10
    while cache.stats.joins < joins and time.monotonic() < give_up:
        time.sleep(0.001)


def test_concurrent_reads_of_one_version_share_one_read() -> None:
    cache = FileContentCache(1_000_000)
    ident = identity(1)
    reads = 0

    def slow_read() -> CachedText:
        nonlocal reads
        reads += 1
        wait_for_joins(cache, 3)  # hold the read until the other three have joined it
        return entry("shared", ident)

    results: list[str | None] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get_or_read(ident, 100, slow_read).text))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert reads == 1 and results == ["shared"] * 4 and cache.stats.joins == 3


def test_a_failed_read_is_shared_with_its_joiners_and_not_stored() -> None:
    cache = FileContentCache(1_000_000)
    ident = identity(1)

    def failing_read() -> CachedText:
        wait_for_joins(cache, 1)
        raise FileAccessError("file: /f1 changed while it was being read")

    errors: list[str] = []

    def reader() -> None:
        try:
            cache.get_or_read(ident, 100, failing_read)
        except FileAccessError as exc:
            errors.append(str(exc))

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(errors) == 2 and all("changed while" in e for e in errors)
    assert len(cache._lru) == 0
