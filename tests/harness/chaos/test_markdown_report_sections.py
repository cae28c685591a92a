"""The per-scenario markdown: optional sections appear exactly when there is something to say."""

from __future__ import annotations

from pathlib import Path

from harness.chaos.hypotheses import Verdict
from harness.chaos.records import RunData
from harness.chaos.report_md import scenario_markdown, summary_markdown
from harness.chaos.runner import ScenarioResult
from harness.chaos.scenario import Phases, Scenario


def result(**scenario: str) -> ScenarioResult:
    verdict = Verdict("p95 | tail", "latency", "during", False, "3 s\nslow", "<= 1 s", detail="worst | call")
    data = RunData(
        phases={}, actions=[(1.5, "add_toxic latency", None), (9.0, "remove_toxic", "ActionError: gone")]
    )
    return ScenarioResult(Scenario(name="spike", **scenario), None, Phases(), data, [verdict],
                          errors=["proxy | down"], started_at="2026-01-01T00:00:00+00:00")  # fmt: skip


def test_a_full_report_has_proves_description_details_errors_timeline_and_plot() -> None:
    text = scenario_markdown(result(title="Latency spike", proves="it holds", description="  Why.\n"),
                             Path("/r/spike.png"))  # fmt: skip
    assert text.startswith("# Latency spike: FAIL\n")
    assert "**Proves:** it holds" in text and "\nWhy.\n" in text
    assert "| p95 \\| tail | during | **FAIL** | 3 s slow | <= 1 s |" in text
    assert "Details:\n- p95 | tail: worst \\| call" in text
    assert "## Harness errors\n\n- proxy \\| down" in text
    assert "-   1.50s add_toxic latency\n" in text
    assert "-   9.00s remove_toxic (FAILED: ActionError: gone)" in text
    assert text.endswith("![latency, errors and calls in flight](spike.png)\n")


def test_a_bare_report_leaves_the_optional_sections_out() -> None:
    bare = result()
    bare.errors, bare.data.actions = [], []
    bare.verdicts = [Verdict("ok", "latency", "run", True, "1", "2")]
    text = scenario_markdown(bare, None)
    assert text.startswith("# spike: PASS\n")
    for absent in ("Proves", "Details", "Harness errors", "Timeline", "!["):
        assert absent not in text


def test_summary_counts_green_scenarios_and_lists_errors() -> None:
    red = result(proves="p")
    made = {"date": "2026-01-01T00:00:00+00:00", "commit": "abc123", "dirty": True,
            "machine": {"cores": 2, "memory_gb": 24.0, "os": "Linux", "python": "3.11.2"}}  # fmt: skip
    text = summary_markdown([red], made)
    assert "0 of 1 scenarios green, target zen_server." in text
    assert "- commit: `abc123` (with uncommitted changes)" in text and "- machine: 2 cores, 24.0 GB" in text
    assert "| [spike](spike.md) | **FAIL** | 0/1 held |" in text
    assert "- FAIL p95 | tail: 3 s slow (<= 1 s)" in text and "- ERROR proxy \\| down" in text
