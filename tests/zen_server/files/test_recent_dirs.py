"""A passed directory check is remembered for a few seconds; nothing else is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from zen_server.errors import FileAccessError
from zen_server.files.access import FileAccess
from zen_server.files.io_pool import FileIoPool
from zen_server.files.policy import PathPolicy
from zen_server.files.recent_dirs import RecentDirectories


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class CountingPool(FileIoPool):
    def __init__(self) -> None:
        super().__init__(threads=1)
        self.jobs = 0

    async def run(self, fn: Any, *args: object, what: str) -> Any:
        self.jobs += 1
        return await super().run(fn, *args, what=what)


def _access(clock: Clock) -> tuple[FileAccess, CountingPool]:
    pool = CountingPool()
    access = FileAccess(PathPolicy(), pool)
    access.recent_dirs = RecentDirectories(ttl_s=5.0, clock=clock)
    return access, pool


@pytest.fixture
def resolved_tmp(tmp_path: Path) -> Path:
    return tmp_path.resolve()


async def test_a_passed_directory_check_skips_the_pool_until_it_expires(
    tmp_path: Path, resolved_tmp: Path
) -> None:
    clock = Clock()
    access, pool = _access(clock)
    first = await access.check(str(tmp_path), field="working_directory_absolute_path", kind="dir")
    again = await access.check(str(tmp_path), field="working_directory_absolute_path", kind="dir")
    assert first == again == resolved_tmp
    assert pool.jobs == 1
    clock.now += 5.0
    await access.check(str(tmp_path), field="working_directory_absolute_path", kind="dir")
    assert pool.jobs == 2  # expired: checked again


async def test_a_removed_directory_fails_once_its_memory_expires(tmp_path: Path) -> None:
    clock = Clock()
    access, _ = _access(clock)
    gone = tmp_path / "gone"
    gone.mkdir()
    await access.check(str(gone), field="wd", kind="dir")
    gone.rmdir()
    clock.now += 5.0
    with pytest.raises(FileAccessError):
        await access.check(str(gone), field="wd", kind="dir")


async def test_failed_checks_and_file_checks_are_never_remembered(tmp_path: Path) -> None:
    clock = Clock()
    access, pool = _access(clock)
    missing = str(tmp_path / "missing")
    for _ in range(2):
        with pytest.raises(FileAccessError):
            await access.check(missing, field="wd", kind="dir")
    afile = tmp_path / "a.txt"
    afile.write_text("x")
    for _ in range(2):
        await access.check(str(afile), field="f", kind="file")
    assert pool.jobs == 4
    assert len(access.recent_dirs) == 0


def test_memory_is_bounded_oldest_forgotten_first() -> None:
    recent = RecentDirectories(max_entries=2, clock=Clock())
    for name in ("a", "b", "c"):
        recent.remember(f"/{name}", "wd", Path(f"/{name}"))
    assert len(recent) == 2
    assert recent.get("/a", "wd") is None
    assert recent.get("/c", "wd") == Path("/c")
    assert recent.get("/c", "other-field") is None  # a check is remembered for its own field
