"""files.io_pool: a bounded pool whose stuck jobs fail callers fast and starve nothing else."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest

from zen_server.errors import FileAccessError
from zen_server.files import FileIoPool
from zen_server.resilience.deadline import deadline_scope


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Stuck jobs wait on this; set at the end so no thread outlives the test."""
    event = threading.Event()
    yield event
    event.set()


def stuck(release: threading.Event, started: threading.Semaphore) -> str:
    started.release()
    release.wait()
    return "finished"


async def test_a_job_returns_its_result() -> None:
    pool = FileIoPool(threads=1, read_timeout_s=5)
    assert await pool.run(sum, [1, 2, 3], what="adding") == 6
    assert pool.busy == 0


async def test_a_stuck_job_keeps_its_thread_and_jobs_queued_behind_it_time_out_unrun(
    release: threading.Event,
) -> None:
    pool = FileIoPool(threads=1, read_timeout_s=0.2, stuck_after_s=3600)
    started = threading.Semaphore(0)
    with pytest.raises(FileAccessError, match=r"reading a FIFO took longer than 0\.2 s"):
        await pool.run(stuck, release, started, what="reading a FIFO")
    assert pool.busy == 1, "a timed-out job still holds its thread until it really ends"
    ran: list[int] = []
    with pytest.raises(FileAccessError, match="reading more took longer"):
        await pool.run(ran.append, 1, what="reading more")
    # Other work in the process is untouched: the loop's default executor is free.
    assert await asyncio.to_thread(sum, [2, 3]) == 5
    release.set()
    await asyncio.to_thread(started.acquire)
    pool.read_timeout_s = 30  # a liveness bound for the wait below, not a speed target
    assert await pool.run(sum, [1, 1], what="reading after recovery") == 2
    assert ran == [], "a job whose caller gave up must not run afterwards"


async def test_when_every_thread_is_stuck_new_jobs_are_refused_at_once(release: threading.Event) -> None:
    pool = FileIoPool(threads=2, read_timeout_s=0.2)
    started = threading.Semaphore(0)
    first = [asyncio.create_task(pool.run(stuck, release, started, what="reading a FIFO")) for _ in range(2)]
    for outcome in await asyncio.gather(*first, return_exceptions=True):
        assert isinstance(outcome, FileAccessError) and "took longer than 0.2 s" in str(outcome)
    assert pool.all_stuck()
    with pytest.raises(FileAccessError, match="every file reader thread is stuck"):
        await pool.run(sum, [1], what="reading again")


async def test_the_timeout_never_outlives_the_calls_deadline() -> None:
    pool = FileIoPool(threads=1, read_timeout_s=60)
    assert pool.timeout_now() == 60
    async with deadline_scope(0.5, what="tool 'chat'"):
        assert 0 < pool.timeout_now() <= 0.5


async def test_jobs_beyond_the_threads_queue_and_all_complete(release: threading.Event) -> None:
    pool = FileIoPool(threads=1, read_timeout_s=30)
    started = threading.Semaphore(0)
    blocker = asyncio.create_task(pool.run(stuck, release, started, what="first"))
    await asyncio.to_thread(started.acquire)
    waiting = [asyncio.create_task(pool.run(lambda n=n: n, what=f"job {n}")) for n in range(3)]
    release.set()
    assert await blocker == "finished"
    assert await asyncio.gather(*waiting) == [0, 1, 2]
    assert pool.busy == 0


def test_one_pool_serves_successive_event_loops() -> None:
    pool = FileIoPool(threads=1, read_timeout_s=5)
    assert asyncio.run(pool.run(sum, [1], what="x")) == 1
    assert asyncio.run(pool.run(sum, [2], what="x")) == 2
