"""The expert reads the whole run: context, hypotheses and issues from every step, and paths checked."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from zen_server.config import Settings
from zen_server.errors import FileAccessError
from zen_server.files import FileAccess, shared_pool
from zen_server.tools.workflow.expert import describe_run, format_issue
from zen_server.tools.workflow.run_state import RunState, StepRecord
from zen_server.tools.workflow.sources import check_images, check_path


def test_the_run_description_gathers_context_hypotheses_and_issues_across_steps() -> None:
    first = StepRecord(
        1,
        "find the leak",
        "cache grows",
        relevant_context=("Cache.put",),
        hypothesis="entries never expire",
        confidence="low",
        issues_found=({"severity": "high", "description": "unbounded cache"},),
    )
    second = StepRecord(
        2,
        "confirm",
        "ttl ignored",
        relevant_context=("Cache.put", "Cache.sweep"),
        hypothesis="sweep skips the newest bucket",
        confidence="high",
        issues_found=({"component": "sweeper"},),
    )
    run = RunState.start("debug", first, history_start=0).with_step(second, complete=False)
    text = describe_run("debug", run)
    assert text.startswith("=== DEBUG INVESTIGATION BY THE AGENT ===\nInitial request: find the leak")
    assert "=== RELEVANT CODE ELEMENTS ===\n- Cache.put\n- Cache.sweep" in text
    assert (
        "=== HYPOTHESES, OLDEST FIRST ===\nStep 1 (low): entries never expire\n"
        "Step 2 (high): sweep skips the newest bucket"
    ) in text
    assert (
        '=== ISSUES REPORTED BY THE AGENT ===\n[HIGH] unbounded cache\n[UNKNOWN] {"component": "sweeper"}'
        in text
    )
    assert "FILES THE AGENT EXAMINED" not in text


def test_a_run_without_context_hypotheses_or_issues_has_no_empty_sections() -> None:
    text = describe_run("analyze", RunState.start("analyze", StepRecord(1, "look", "fine"), history_start=0))
    for section in ("RELEVANT CODE ELEMENTS", "HYPOTHESES", "ISSUES REPORTED"):
        assert section not in text


def test_an_issue_without_a_description_is_shown_whole() -> None:
    assert (
        format_issue({"severity": "low", "where": "a.py:3"}) == '[LOW] {"severity": "low", "where": "a.py:3"}'
    )


PNG_DATA_URL = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(8)).decode()


def access_for(settings: Settings) -> FileAccess:
    return FileAccess.from_settings(settings, shared_pool())


async def test_inline_image_data_is_checked_as_an_image_not_as_a_path() -> None:
    access = access_for(Settings(zen_allowed_roots="/nonexistent-root"))
    await check_images([PNG_DATA_URL], access, tool="debug")
    with pytest.raises(FileAccessError, match="does not look like a PNG image"):
        await check_images(["data:image/png;base64,AAAA"], access, tool="debug")


async def test_a_file_where_a_repository_directory_is_wanted_is_refused(tmp_path: Path) -> None:
    a_file = tmp_path / "setup.py"
    a_file.write_text("")
    access = access_for(Settings(zen_allowed_roots=None))
    with pytest.raises(FileAccessError, match="is not a directory; send an existing directory"):
        await check_path(str(a_file), access, tool="precommit", field="path", kind="dir")
    checked = await check_path(str(tmp_path), access, tool="precommit", field="path", kind="dir")
    assert checked.samefile(tmp_path) and checked.is_absolute()
