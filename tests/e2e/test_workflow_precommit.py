"""precommit end to end: a real temporary git repository, staged and unstaged changes, over stdio.

The server reads the repository itself at the last step; the test checks that what reached
the model holds both diffs, the git status, every step's findings once, the relevant file
once and the conversation the run was started in.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from fakes.testing import FakeServer
from tests.e2e.conftest import MODEL, Connect, text_of

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.parametrize("transport", ["stdio"], indirect=True),
    pytest.mark.skipif(shutil.which("git") is None, reason="precommit needs the git executable"),
]


def git(repo: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "e2e",
        "GIT_AUTHOR_EMAIL": "e2e@example.invalid",
        "GIT_COMMITTER_NAME": "e2e",
        "GIT_COMMITTER_EMAIL": "e2e@example.invalid",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(repo.parent),  # no user config leaks in (hooks, signing)
    }
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with one commit, then a staged edit to app.py and an unstaged edit to util.py."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "app.py").write_text("def handler():\n    return 'v1'\n")
    (root / "util.py").write_text("LIMIT = 10\n")
    git(root, "add", "app.py", "util.py")
    git(root, "commit", "-q", "-m", "initial")
    (root / "app.py").write_text("def handler():\n    return 'STAGED_CHANGE_MARKER'\n")
    git(root, "add", "app.py")
    (root / "util.py").write_text("LIMIT = 10\nUNSTAGED_CHANGE_MARKER = True\n")
    return root


def step(number: int, total: int, repo: Path, **extra: Any) -> dict[str, Any]:
    return {
        "step": f"precommit step {number}",
        "step_number": number,
        "total_steps": total,
        "next_step_required": number < total,
        "findings": f"E2E-PRECOMMIT-FINDING-{number}",
        "relevant_files": [str(repo / "app.py")],
        "confidence": "medium",
        "model": MODEL,
        "path": str(repo),
        **extra,
    }


async def test_precommit_sends_staged_and_unstaged_diffs_to_the_model(
    connect: Connect, fake: FakeServer, repo: Path
) -> None:
    question = "E2E-PRECOMMIT-CHAT: is the release branch frozen?"
    async with connect() as client:
        chat = await client.call_tool(
            "chat", {"prompt": question, "model": MODEL, "working_directory_absolute_path": str(repo)}
        )
        assert not chat.is_error, text_of(chat)
        thread = json.loads(text_of(chat))["continuation_offer"]["continuation_id"]

        first = await client.call_tool("precommit", step(1, 2, repo, continuation_id=thread))
        assert not first.is_error, text_of(first)
        document = json.loads(text_of(first))
        assert document["continuation_id"] == thread
        assert (document["status"], document["step_number"]) == ("pause_for_validation", 1)
        assert fake.control.stats(bodies=0).requests == 1, "step 1 of 2 must not call a model"

        final = await client.call_tool("precommit", step(2, 2, repo, continuation_id=thread))
        assert not final.is_error, text_of(final)
        result = json.loads(text_of(final))
    assert result["status"] == "calling_expert_analysis"
    assert result["validation_complete"] is True
    assert "FAKE-REPLY" in json.dumps(result["expert_analysis"])

    bodies = [call["body"] for call in fake.control.stats(bodies=10).recent]
    assert len(bodies) == 2, "one chat call and one expert call"
    sent = "\n".join(str(m.get("content")) for m in bodies[1]["messages"])
    # Both diffs, as diffs, in their own sections.
    staged = sent.split("=== STAGED CHANGES ===", 1)[1].split("=== END STAGED CHANGES ===", 1)[0]
    unstaged = sent.split("=== UNSTAGED CHANGES ===", 1)[1].split("=== END UNSTAGED CHANGES ===", 1)[0]
    assert "-    return 'v1'" in staged and "+    return 'STAGED_CHANGE_MARKER'" in staged
    assert "UNSTAGED_CHANGE_MARKER" not in staged
    assert "+UNSTAGED_CHANGE_MARKER = True" in unstaged and "STAGED_CHANGE_MARKER'" not in unstaged
    # The status and the changed files, read by the server.
    assert re.search(r"=== GIT STATUS ===\n.*M  app\.py", sent, re.DOTALL), (
        "staged app.py missing from status"
    )
    assert re.search(r"=== GIT STATUS ===\n.* M util\.py", sent, re.DOTALL), "unstaged util.py missing"
    assert "(branch main)" in sent
    # The agent's findings once each; the relevant file's content once (the diff is separate).
    for number in (1, 2):
        assert sent.count(f"E2E-PRECOMMIT-FINDING-{number}") == 1
    assert sent.count(f"--- BEGIN FILE: {repo / 'app.py'}") == 1
    # The thread's history came first.
    assert 0 <= sent.find(f"(Agent via chat) ---\n{question}") < sent.index("E2E-PRECOMMIT-FINDING-1")


async def test_precommit_without_unstaged_changes_leaves_them_out(
    connect: Connect, fake: FakeServer, repo: Path
) -> None:
    async with connect() as client:
        final = await client.call_tool("precommit", step(1, 1, repo, include_unstaged=False))
        assert not final.is_error, text_of(final)
    [body] = [call["body"] for call in fake.control.stats(bodies=10).recent]
    sent = "\n".join(str(m.get("content")) for m in body["messages"])
    assert "+    return 'STAGED_CHANGE_MARKER'" in sent
    assert "UNSTAGED_CHANGE_MARKER" not in sent
