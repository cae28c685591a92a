"""Bad workflow steps over the wire: each is an isError result that says what to send instead.

One server over stdio takes every bad call in turn (a half-valid step must never corrupt a
run or reach a model), then still completes a valid run; the fake provider sees only that
run's single expert call.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from fakes.testing import FakeServer
from tests.e2e.conftest import MODEL, Connect, text_of

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("transport", ["stdio"], indirect=True)]

NO_THREAD = "00000000-0000-4000-8000-000000000000"


def step(number: int, total: int, **extra: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "step": f"bad-input step {number}",
        "step_number": number,
        "total_steps": total,
        "next_step_required": number < total,
        "findings": f"finding {number}",
        "model": MODEL,
    }
    args.update(extra)
    return {k: v for k, v in args.items() if v is not None}  # None: leave the field out


async def expect_refusal(
    client: Client, label: str, tool: str, arguments: dict[str, Any], *needles: str
) -> None:
    result = await client.call_tool(tool, arguments)
    text = text_of(result)
    assert result.is_error, f"{label}: expected an error result, got {text[:300]}"
    for needle in needles:
        assert needle.lower() in text.lower(), f"{label}: {needle!r} not in {text[:500]}"


async def ok(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, f"{tool}: {text_of(result)}"
    document: dict[str, Any] = json.loads(text_of(result))
    return document


async def test_bad_workflow_steps_are_refused_with_what_to_send(
    connect: Connect, fake: FakeServer, tmp_path: Path
) -> None:
    source = tmp_path / "module.py"
    source.write_text("x = 1\n")
    missing = str(tmp_path / "no_such_file.py")
    async with connect() as client:
        # Runs of other tools to borrow continuation_ids from.
        thinkdeep = await ok(client, "thinkdeep", step(1, 2, relevant_files=[str(source)]))
        other_chain = thinkdeep["continuation_id"]
        debug = await ok(client, "debug", step(1, 3, relevant_files=[str(source)]))
        debug_chain = debug["continuation_id"]

        cases: list[tuple[str, str, dict[str, Any], tuple[str, ...]]] = [
            ("step beyond total", "debug", step(3, 2),
             ("step_number 3 is beyond total_steps 2", "send total_steps of at least 3")),
            ("missing findings", "codereview", step(1, 2, findings=None), ("'findings'", "send them")),
            ("empty findings", "analyze", step(1, 2, findings="  "),
             ("'findings' is required", "send what this step established")),
            ("continuation from another tool's chain", "debug", step(2, 3, continuation_id=other_chain),
             ("belongs to a thinkdeep conversation", "no debug run", "start a debug run with step_number 1")),
            ("later step with no continuation", "debug", step(2, 3),
             ("send the continuation_id that step 1 returned",)),
            ("unknown continuation", "debug", step(2, 3, continuation_id=NO_THREAD),
             ("does not match any conversation", "without continuation_id")),
            ("skipping ahead", "debug", step(3, 3, continuation_id=debug_chain),
             ("skips ahead", "send step_number 2")),
            ("nonexistent file", "codereview", step(1, 2, relevant_files=[missing]),
             (missing, "does not exist", "send an existing absolute path")),
            ("relative file", "refactor", step(1, 2, relevant_files=["src/app.py"]),
             ("src/app.py", "relative", "absolute path")),
            ("relative files_checked", "secaudit", step(1, 2, files_checked=["app.py"]),
             ("files_checked", "send absolute paths")),
            ("bad confidence", "debug", step(1, 2, confidence="sure"), ("confidence", "exploring")),
            ("consensus without models", "consensus", {**step(1, 1, model=None), "models": []},
             ("'models'", "at least two")),
            ("consensus unknown model", "consensus",
             {**step(1, 1, model=None), "models": [{"model": MODEL}, {"model": "no-such-model-9000"}]},
             ("no-such-model-9000",)),
        ]  # fmt: skip
        for label, tool, arguments, needles in cases:
            await expect_refusal(client, label, tool, arguments, *needles)

        # The runs the bad calls aimed at are intact: debug's step 2 still follows its step 1.
        resumed = await ok(
            client, "debug", step(2, 2, continuation_id=debug_chain, relevant_files=[str(source)])
        )
        assert resumed["status"] == "calling_expert_analysis"
        assert resumed["continuation_id"] == debug_chain
    bodies = [call["body"] for call in fake.control.stats(bodies=10).recent]
    assert len(bodies) == 1, "no refused step may reach the provider"
    sent = "\n".join(str(m.get("content")) for m in bodies[0]["messages"])
    assert "Findings: finding 1" in sent and "Findings: finding 2" in sent


@pytest.fixture
def empty_repo(tmp_path: Path) -> Path:
    """A git repository with no commits (so no ref exists)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "-C", str(repo), "init", "-q"], check=True, capture_output=True)
    return repo


@pytest.mark.skipif(shutil.which("git") is None, reason="precommit needs the git executable")
async def test_precommit_refuses_paths_that_are_not_repositories(
    connect: Connect, fake: FakeServer, tmp_path: Path, empty_repo: Path
) -> None:
    plain = tmp_path / "not_a_repo"
    plain.mkdir()
    a_file = plain / "notes.txt"
    a_file.write_text("hi\n")
    repo = empty_repo
    cases: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
        ("not a git repository", step(1, 2, path=str(plain)),
         (str(plain), "not a git repository", "send the absolute path of a directory inside a git")),
        ("path is a file", step(1, 2, path=str(a_file)),
         ("not a directory", "send an existing directory")),
        ("path does not exist", step(1, 2, path=str(tmp_path / "gone")),
         ("does not exist", "send an existing absolute path")),
        ("relative path", step(1, 2, path="repo"), ("relative", "absolute path")),
        ("no path", step(1, 2), ("needs 'path'", "absolute path of the git repository")),
        ("unknown ref", step(1, 2, path=str(repo), compare_to="no-such-branch"),
         ("no-such-branch", "send an existing branch, tag or commit")),
        ("option as ref", step(1, 2, path=str(repo), compare_to="--output=/tmp/x"),
         ("not a git ref", "send a branch, tag or commit")),
    ]  # fmt: skip
    async with connect() as client:
        for label, arguments, needles in cases:
            await expect_refusal(client, label, "precommit", arguments, *needles)
    assert fake.control.stats(bodies=0).requests == 0
