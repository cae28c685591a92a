"""The one RSS reading and the one periodic sampler that chaos, gates and fuzz share."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import anyio
import psutil
import pytest

from harness.sampling import MB, rss_mb, sample_every


@pytest.fixture
def child() -> Iterator[subprocess.Popen[bytes]]:
    # A child holding 64 MB resident, so the tree sum visibly includes it.
    code = (
        "import sys; b = bytearray(64 * 1024 * 1024); "
        "sys.stdout.write('up\\n'); sys.stdout.flush(); sys.stdin.read()"
    )
    # The context manager closes both pipes, so no file is left for the garbage collector.
    command = [sys.executable, "-c", code]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE) as process:
        assert process.stdout is not None
        assert process.stdout.readline() == b"up\n"
        yield process
        process.kill()


def test_rss_of_one_process_is_what_psutil_reports_in_mebibytes(child: subprocess.Popen[bytes]) -> None:
    reading = rss_mb([child.pid])
    assert reading is not None
    # The child is idle and holds its buffer, so two readings a moment apart agree closely.
    assert reading == pytest.approx(psutil.Process(child.pid).memory_info().rss / MB, rel=0.05)
    assert reading >= 64


def test_children_count_only_when_asked(child: subprocess.Popen[bytes]) -> None:
    me = psutil.Process().pid
    alone, with_tree = rss_mb([me]), rss_mb([me], with_children=True)
    assert alone is not None and with_tree is not None
    assert with_tree - alone >= 60  # the child's 64 MB buffer


def test_several_pids_are_summed(child: subprocess.Popen[bytes]) -> None:
    me = psutil.Process().pid
    both, mine, theirs = rss_mb([me, child.pid]), rss_mb([me]), rss_mb([child.pid])
    assert both is not None and mine is not None and theirs is not None
    assert both == pytest.approx(mine + theirs, rel=0.05)


def test_no_process_read_is_none_not_zero(child: subprocess.Popen[bytes]) -> None:
    assert rss_mb([]) is None
    child.kill()
    child.wait()
    assert rss_mb([child.pid]) is None
    # A gone pid beside a live one is left out of the sum, not counted as an error.
    me = psutil.Process().pid
    assert rss_mb([child.pid, me]) is not None


def test_sample_every_runs_until_told_and_awaits_async_steps() -> None:
    calls: list[str] = []

    def sync_step() -> None:
        calls.append("sync")

    async def async_step() -> None:
        await anyio.lowlevel.checkpoint()
        calls.append("async")

    async def main() -> None:
        await sample_every(0, sync_step, until=lambda: len(calls) >= 3)
        await sample_every(0, async_step, until=lambda: len(calls) >= 5)
        await sample_every(0, sync_step, until=lambda: True)  # already done: no step at all

    anyio.run(main)
    assert calls == ["sync", "sync", "sync", "async", "async"]
