"""git_state bounds what it reads and never leaves a git process behind."""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
from pathlib import Path

import pytest

from zen_server.errors import ToolInputError
from zen_server.tools.workflow.git_state import MAX_DIFF_CHARS, read_snapshot, repository_root, run_git

# git runs with a fresh environment (nothing inherited but PATH and HOME): the pid file is baked in.
FAKE_GIT = """#!/bin/sh
echo $$ > "{pid_file}"
case "$*" in
  *--is-inside-work-tree*) echo false ;;
  *--show-toplevel*) echo /nowhere ;;
  *) exec sleep 30 ;;
esac
"""


@pytest.fixture
def fake_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A 'git' first on PATH that says "not a work tree" or hangs; returns its pid file."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "git"
    pid_file = tmp_path / "git.pid"
    script.write_text(FAKE_GIT.replace("{pid_file}", str(pid_file)))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return pid_file


async def test_a_path_git_says_is_outside_a_work_tree_is_refused(fake_git: Path, tmp_path: Path) -> None:
    with pytest.raises(ToolInputError, match="is not inside a git work tree; send a work tree path"):
        await repository_root(tmp_path, tool="precommit")


def _pid_written(pid_file: Path) -> bool:
    return pid_file.exists() and pid_file.read_text().strip() != ""


async def test_a_git_command_cut_short_is_killed_not_left_running(fake_git: Path, tmp_path: Path) -> None:
    call = asyncio.create_task(run_git(tmp_path, "status"))
    for _ in range(500):  # until the fake git is running (it writes its pid first)
        if await asyncio.to_thread(_pid_written, fake_git):
            break
        await asyncio.sleep(0.01)
    call.cancel()  # the client went away or the deadline fired
    with pytest.raises(asyncio.CancelledError):
        await call
    pid = int(await asyncio.to_thread(fake_git.read_text))
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


async def test_a_huge_unstaged_diff_is_cut_and_says_so_and_staged_can_be_left_out(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "t@example.invalid")
    _git(repo, "config", "user.name", "t")
    (repo / "big.txt").write_text("start\n")
    (repo / "staged.txt").write_text("one\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "first")
    (repo / "staged.txt").write_text("STAGED_CHANGE\n")
    _git(repo, "add", "staged.txt")
    (repo / "big.txt").write_text("line of text\n" * 20_000)

    snapshot = await read_snapshot(
        repo, compare_to=None, include_staged=False, include_unstaged=True, tool="precommit"
    )
    assert snapshot.staged_diff == ""
    assert snapshot.changed_files == ("big.txt",)
    body, _, marker = snapshot.unstaged_diff.rpartition("\n")
    assert len(body) == MAX_DIFF_CHARS
    assert marker.startswith(f"[diff cut at {MAX_DIFF_CHARS} characters of ")
