"""The reviewed repository is untrusted: its git config never runs a program, and never widens what is read.

Regression tests of issue 12: before the fix a clean filter driver named by the repository's
own config ran during ``git status``/``git diff``, and a ``core.worktree`` in that config
pointed the diffs at files outside the repository.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from zen_server.config import Settings
from zen_server.errors import FileAccessError
from zen_server.tools.precommit import PrecommitTool
from zen_server.tools.workflow import git_state


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def make_repo(root: Path) -> Path:
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "t@example.invalid")
    git(root, "config", "user.name", "t")
    (root / "app.py").write_text("VALUE = 1\n")
    git(root, "add", "app.py")
    git(root, "commit", "-q", "-m", "first")
    return root


def plant_programs(repo: Path, marker: Path) -> None:
    """Every way the repository's config can name a program for git to run, each touching ``marker``."""
    script = repo.parent / "evil.sh"
    script.write_text(f'#!/bin/sh\necho ran "$@" >> {marker}\ncat\n')
    script.chmod(0o755)
    (repo / ".gitattributes").write_text("* filter=evil diff=evil\n")
    for key, value in (
        ("filter.evil.clean", str(script)),
        ("filter.evil.smudge", str(script)),
        ("filter.evil.process", str(script)),
        ("diff.evil.textconv", str(script)),
        ("diff.evil.command", str(script)),
        ("diff.external", str(script)),
        ("core.fsmonitor", str(script)),
        ("core.pager", str(script)),
        ("core.hooksPath", str(repo.parent)),
    ):
        git(repo, "config", key, value)
    (repo.parent / "post-index-change").write_text(script.read_text())
    (repo.parent / "post-index-change").chmod(0o755)


async def test_no_program_named_by_the_repository_runs_while_reading_its_state(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "new.py").write_text("NEW = 1\n")
    git(repo, "add", "new.py")
    (repo / "app.py").write_text("VALUE = 2  # CHANGED\n")
    marker = tmp_path / "marker"
    plant_programs(repo, marker)  # last: the test's own git commands above must not trip them
    root = await git_state.repository_root(repo, tool="precommit")
    against_ref = await git_state.read_snapshot(
        root, compare_to="main", include_staged=True, include_unstaged=True, tool="precommit"
    )
    local = await git_state.read_snapshot(
        root, compare_to=None, include_staged=True, include_unstaged=True, tool="precommit"
    )
    assert "CHANGED" in against_ref.compare_diff and "CHANGED" in local.unstaged_diff
    assert "NEW = 1" in local.staged_diff
    assert not marker.exists(), f"the repository made git run a program: {marker.read_text()}"


async def test_system_and_global_config_are_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "repo")
    marker = tmp_path / "marker"
    script = tmp_path / "clean.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\ncat\n")
    script.chmod(0o755)
    global_config = tmp_path / "gitconfig"
    global_config.write_text(f'[filter "fromglobal"]\n\tclean = {script}\n')
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(global_config))
    (repo / ".gitattributes").write_text("*.py filter=fromglobal\n")
    (repo / "app.py").write_text("VALUE = 3\n")
    await git_state.read_snapshot(repo, compare_to=None, include_staged=True, include_unstaged=True, tool="t")
    assert not marker.exists(), "a filter from the global git config ran"


def precommit_args(number: int, total: int, **extra: Any) -> dict[str, Any]:
    return {
        "step": f"validate {number}", "step_number": number, "total_steps": total,
        "next_step_required": number < total, "findings": "checked", "model": "pro", **extra,
    }  # fmt: skip


async def expert_prompt(h: Any, repo: Path) -> str:
    first = await h.call(precommit_args(1, 2, path=str(repo)))
    await h.call(precommit_args(2, 2, continuation_id=first["continuation_id"]))
    return str(h.models.requests[-1].messages[1].content)


async def test_a_worktree_redirected_outside_the_allowed_roots_is_refused(
    make_harness: Callable[..., Any], tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "allowed" / "repo")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "app.py").write_text("STOLEN = 'OUTSIDE_CONTENT'\n")
    git(repo, "config", "core.worktree", str(elsewhere))
    h = make_harness(PrecommitTool())
    h.settings = Settings(zen_allowed_roots=str(tmp_path / "allowed"))
    with pytest.raises(FileAccessError, match="outside"):
        await expert_prompt(h, repo)
    assert all("OUTSIDE_CONTENT" not in m.content for r in h.models.requests for m in r.messages)


async def test_diffs_leave_out_changed_files_the_policy_refuses(
    make_harness: Callable[..., Any], tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / ".env").write_text("API_KEY=one\n")
    git(repo, "add", "-f", ".env")
    git(repo, "commit", "-q", "-m", "env")
    (repo / ".env").write_text("API_KEY=SECRET_IN_WORKTREE\n")
    git(repo, "add", ".env")
    (repo / ".env").write_text("API_KEY=SECRET_UNSTAGED\n")
    (repo / "app.py").write_text("VALUE = 'VISIBLE_CHANGE'\n")
    prompt = await expert_prompt(make_harness(PrecommitTool()), repo)
    assert "VISIBLE_CHANGE" in prompt
    assert "SECRET_IN_WORKTREE" not in prompt and "SECRET_UNSTAGED" not in prompt
    assert ".env" in prompt, "the status still names the file; only its content is withheld"
