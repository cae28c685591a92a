"""precommit reads the named repository's git state itself, under the server's path rule."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from zen_server.config import Settings
from zen_server.errors import FileAccessError, ToolInputError
from zen_server.tools.precommit import PrecommitTool

HarnessFactory = Callable[..., Any]


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "t@example.invalid")
    git(root, "config", "user.name", "t")
    (root / "app.py").write_text("VALUE = 1\n")
    git(root, "add", "app.py")
    git(root, "commit", "-q", "-m", "first")
    (root / "app.py").write_text("VALUE = 2  # STAGED_CHANGE\n")
    git(root, "add", "app.py")
    (root / "app.py").write_text("VALUE = 3  # UNSTAGED_CHANGE\n")
    return root


def args(number: int, total: int, **extra: Any) -> dict[str, Any]:
    return {
        "step": f"validate {number}",
        "step_number": number,
        "total_steps": total,
        "next_step_required": number < total,
        "findings": f"PRECOMMIT-FINDING-{number}",
        "model": "pro",
        **extra,
    }


async def test_final_step_sends_staged_and_unstaged_diffs_to_the_expert(
    make_harness: HarnessFactory, repo: Path
) -> None:
    h = make_harness(PrecommitTool())
    first = await h.call(args(1, 2, path=str(repo)))
    assert first["status"] == "pause_for_validation"
    final = await h.call(args(2, 2, continuation_id=first["continuation_id"]))
    assert final["status"] == "calling_expert_analysis"
    prompt = h.models.requests[0].messages[1].content
    assert "STAGED_CHANGE" in prompt and "UNSTAGED_CHANGE" in prompt
    assert "PRECOMMIT-FINDING-1" in prompt and "PRECOMMIT-FINDING-2" in prompt
    assert "branch main" in prompt


async def test_include_flags_select_which_diffs_are_read(make_harness: HarnessFactory, repo: Path) -> None:
    h = make_harness(PrecommitTool())
    await h.call(args(1, 1, path=str(repo), include_unstaged=False))
    prompt = h.models.requests[0].messages[1].content
    assert "STAGED_CHANGE" in prompt and "UNSTAGED_CHANGE" not in prompt


async def test_compare_to_diffs_against_the_ref(make_harness: HarnessFactory, repo: Path) -> None:
    h = make_harness(PrecommitTool())
    await h.call(args(1, 1, path=str(repo), compare_to="HEAD"))
    prompt = h.models.requests[0].messages[1].content
    assert "DIFF AGAINST HEAD" in prompt and "UNSTAGED_CHANGE" in prompt


async def test_a_directory_that_is_not_a_git_repository_is_refused(
    make_harness: HarnessFactory, tmp_path: Path
) -> None:
    h = make_harness(PrecommitTool())
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(ToolInputError, match="not a git repository"):
        await h.call(args(1, 2, path=str(plain)))


@pytest.mark.parametrize(
    ("ref", "message"), [("no-such-branch", "names no commit"), ("--output=x", "not a git ref")]
)
async def test_bad_compare_to_is_refused(
    make_harness: HarnessFactory, repo: Path, ref: str, message: str
) -> None:
    h = make_harness(PrecommitTool())
    with pytest.raises(ToolInputError, match=message):
        await h.call(args(1, 2, path=str(repo), compare_to=ref))


async def test_path_is_required_in_step_one_and_follows_the_path_rule(
    make_harness: HarnessFactory, tmp_path: Path
) -> None:
    h = make_harness(PrecommitTool())
    with pytest.raises(ToolInputError, match="needs 'path'"):
        await h.call(args(1, 2))
    with pytest.raises(FileAccessError, match="relative"):
        await h.call(args(1, 2, path="repo"))
    with pytest.raises(FileAccessError, match="does not exist"):
        await h.call(args(1, 2, path=str(tmp_path / "gone")))


async def test_repository_outside_allowed_roots_is_refused(
    make_harness: HarnessFactory, repo: Path, tmp_path: Path
) -> None:
    allowed = tmp_path / "elsewhere"
    allowed.mkdir()
    h = make_harness(PrecommitTool())
    h.settings = Settings(zen_allowed_roots=str(allowed))
    with pytest.raises(FileAccessError, match="outside"):
        await h.call(args(1, 2, path=str(repo)))


async def test_internal_precommit_type_skips_the_expert(make_harness: HarnessFactory, repo: Path) -> None:
    h = make_harness(PrecommitTool())
    result = await h.call(args(1, 1, path=str(repo), precommit_type="internal"))
    assert result["status"] == "validation_complete_ready_for_commit"
    assert h.models.requests == []
