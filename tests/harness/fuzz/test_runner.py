"""The fuzz engine end to end on a tiny budget, and the leak detector on planted text."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from harness.fuzz.corpus import build_corpus
from harness.fuzz.report import as_markdown, write_report
from harness.fuzz.runner import Budget, Leaks, run_fuzz
from harness.fuzz.target import Secrets


def test_a_marker_is_found_in_plain_text_and_inside_a_base64_image(tmp_path: Path) -> None:
    corpus = build_corpus(tmp_path / "corpus")
    try:
        leaks = Leaks(Secrets(env_marker="ENV-MARK-123", provider_key="sk-key-456"), corpus)
        hidden = base64.b64encode(f"HOME=/root\nX={corpus.markers['outside-file']}\n".encode()).decode()
        leaks.scan_bodies([{"messages": [{"content": f"data:image/png;base64,{hidden}"}]}])
        leaks.scan("log line with ENV-MARK-123", "the log server.log")
        leaks.scan("nothing here", "a stdio reply")
    finally:
        corpus.close()
    assert leaks.found == ["outside-file marker in a provider request", "env marker in the log server.log"]


@pytest.mark.e2e
def test_a_tiny_fuzz_run_drives_both_transports_and_reports(tmp_path: Path) -> None:
    result = run_fuzz(
        Budget(frames=6, arguments=8, session_flood=20), run_seed=7, work_dir=tmp_path, log=print
    )
    report = write_report(result, tmp_path / "report")
    data = json.loads((tmp_path / "report" / "results.json").read_text())

    assert result.passed, report.read_text()
    assert set(result.transports) == {"stdio", "http"}
    for figures in result.transports.values():
        assert figures.frames == 6
        assert sum(figures.arguments.values()) == 16  # 4 families x 8 sets, half per transport
    assert result.flood["initializes"] == 20 and result.flood["other_client_admitted"]
    assert data["passed"] is True and data["budget"]["frames"] == 6
    assert "# Fuzz session: PASS" in as_markdown(data)
