"""The expert reads the whole run: context, hypotheses and issues from every step, and paths checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from zen_server.config import Settings
from zen_server.errors import FileAccessError
from zen_server.tools.workflow.expert import describe_run, format_issue
from zen_server.tools.workflow.run_state import RunState, StepRecord
from zen_server.tools.workflow.sources import check_path


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


def test_inline_image_data_is_not_treated_as_a_path() -> None:
    settings = Settings(zen_allowed_roots="/nonexistent-root")
    ref = "data:image/png;base64,AAAA"
    assert check_path(ref, settings, tool="debug", field="images") == Path(ref)


def test_a_file_where_a_repository_directory_is_wanted_is_refused(tmp_path: Path) -> None:
    a_file = tmp_path / "setup.py"
    a_file.write_text("")
    with pytest.raises(FileAccessError, match="is not a directory; send the repository's directory"):
        check_path(
            str(a_file), Settings(zen_allowed_roots=None), tool="precommit", field="path", want_dir=True
        )
    assert (
        check_path(
            str(tmp_path), Settings(zen_allowed_roots=None), tool="precommit", field="path", want_dir=True
        )
        == tmp_path.resolve()
    )
