"""The pure parts of the measurements: percentiles, growth, coverage, JUnit, compat, /metrics."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from harness.gates.driver import outcome_summary, percentile
from harness.gates.errors import NotMeasured
from harness.gates.metrics.coverage import branch_figures
from harness.gates.metrics.memory import growth
from harness.gates.metrics.monitoring import arguments_for, failed_outcomes, labels_seen, rejected_probe
from harness.gates.metrics.test_suite import junit_counts
from harness.gates.metrics.tools_compat import differences


def test_nearest_rank_percentile() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 95) == 95.0
    assert percentile(values, 50) == 50.0
    assert percentile([3.0], 99) == 3.0
    assert percentile([], 95) is None


def test_memory_growth_is_end_minus_warm_up_end() -> None:
    samples = [(0.0, 50.0), (5.0, 80.0), (10.0, 90.0), (20.0, 140.0), (30.0, 120.0)]
    figures = growth(samples, warmup_s=10.0)
    assert figures["rss_warm_mb"] == 90.0
    assert figures["growth_mb"] == 30.0
    assert figures["peak_growth_mb"] == 50.0


def test_memory_growth_needs_samples_after_warm_up() -> None:
    with pytest.raises(NotMeasured):
        growth([(0.0, 50.0), (5.0, 60.0)], warmup_s=10.0)


def test_branch_coverage_is_covered_over_all_branches_per_package_too() -> None:
    data = {
        "totals": {"num_branches": 200, "covered_branches": 150, "num_statements": 100, "covered_lines": 95},
        "files": {
            "zen_server/a.py": {"summary": {"num_branches": 100, "covered_branches": 95}},
            "harness/b.py": {"summary": {"num_branches": 100, "covered_branches": 55}},
        },
    }
    figures, per_package = branch_figures(data)
    assert figures["branch_pct"] == 75.0 and figures["line_pct"] == 95.0
    assert per_package == {"zen_server": (95, 100), "harness": (55, 100)}


def test_coverage_without_branches_is_not_measured() -> None:
    with pytest.raises(NotMeasured, match="branch"):
        branch_figures({"totals": {"num_branches": 0}})


def test_junit_totals_add_up_every_suite(tmp_path: Path) -> None:
    xml = tmp_path / "junit.xml"
    xml.write_text(
        '<testsuites><testsuite tests="10" failures="1" errors="2" skipped="3"/>'
        '<testsuite tests="5" failures="0" errors="0" skipped="1"/></testsuites>'
    )
    assert junit_counts(xml) == {"tests": 15, "failures": 1, "errors": 2, "skipped": 4}
    with pytest.raises(NotMeasured):
        junit_counts(tmp_path / "missing.xml")


UPSTREAM = {
    "required": ["prompt", "model"],
    "enums": {"mode": ["a", "b"]},
    "properties": {"prompt": "string", "model": "string", "mode": "string", "n": "integer"},
}


def schema(**changes: object) -> dict[str, object]:
    properties = {
        "prompt": {"type": "string"},
        "model": {"type": "string"},
        "mode": {"type": "string", "enum": ["b", "a"]},
        "n": {"type": "integer"},
    }
    base: dict[str, object] = {"properties": properties, "required": ["model", "prompt"]}
    return base | changes


def test_a_schema_matching_upstream_has_no_differences() -> None:
    assert differences(UPSTREAM, schema()) == []


def test_compat_names_each_kind_of_difference() -> None:
    props = dict(schema()["properties"])  # type: ignore[call-overload]
    props["n"] = {"type": "number"}
    del props["mode"]
    props["extra"] = {"type": "string"}
    problems = differences(UPSTREAM, schema(properties=props, required=["prompt"]))
    text = " | ".join(problems)
    assert "'mode' missing" in text
    assert "'n' is 'number', upstream 'integer'" in text
    assert "upstream lacks: ['extra']" in text
    assert "required ['prompt']" in text


def test_monitoring_reads_labels_of_counters_from_the_exposition() -> None:
    text = (
        "# TYPE zen_tool_calls_total counter\n"
        'zen_tool_calls_total{tool="chat",outcome="success"} 3.0\n'
        'zen_tool_calls_total{tool="version",outcome="error"} 1.0\n'
        "# TYPE zen_provider_requests_total counter\n"
        'zen_provider_requests_total{provider="openai",model="gpt-5",status="ok"} 2.0\n'
    )
    assert labels_seen(text, "zen_tool_calls_total", "tool") == {"chat", "version"}
    assert labels_seen(text, "zen_provider_requests_total", "provider") == {"openai"}
    assert labels_seen(text, "zen_nothing_total", "tool") == set()


def test_monitoring_builds_arguments_for_required_fields_from_the_schema() -> None:
    tool = {
        "name": "thinkdeep",
        "inputSchema": {
            "properties": {
                "step": {"type": "string"},
                "step_number": {"type": "integer"},
                "next_step_required": {"type": "boolean"},
                "confidence": {"type": "string", "enum": ["low", "high"]},
                "relevant_files": {"type": "array"},
                "model": {"type": "string"},
                "working_directory_absolute_path": {"type": "string"},
                "optional": {"type": "string"},
            },
            "required": [
                "step", "step_number", "next_step_required", "confidence", "relevant_files", "model",
                "working_directory_absolute_path",
            ],
        },
    }  # fmt: skip
    args = arguments_for(tool, model="gpt-5", workdir="/abs")
    assert args["step_number"] == 1 and args["next_step_required"] is False
    assert args["confidence"] == "low" and args["relevant_files"] == []
    assert args["model"] == "gpt-5" and args["working_directory_absolute_path"] == "/abs"
    assert "optional" not in args


def test_monitoring_arguments_meet_the_schema_bounds_every_tool_declares() -> None:
    tool = {
        "name": "planner",
        "inputSchema": {
            "properties": {
                "step": {"type": "string", "minLength": 60},
                "step_number": {"type": "integer", "minimum": 1, "maximum": 1},
                "total_steps": {"type": "integer", "exclusiveMinimum": 2},
                "models": {"type": "array", "minItems": 2, "items": {"type": "object"}},
                "mode": {"anyOf": [{"type": "null"}, {"type": "string", "enum": ["fast"]}]},
                "kind": {"const": "plan"},
            },
            "required": ["step", "step_number", "total_steps", "models", "mode", "kind"],
        },
    }
    args = arguments_for(tool, model="gpt-5", workdir="/abs")
    assert len(args["step"]) >= 60 and args["step_number"] == 1 and args["total_steps"] == 3
    assert args["models"] == [{}, {}] and args["mode"] == "fast" and args["kind"] == "plan"


def test_monitoring_counts_failed_outcomes_and_tells_a_rejected_probe_from_a_failure() -> None:
    text = (
        'zen_tool_calls_total{tool="chat",outcome="success"} 4.0\n'
        'zen_tool_calls_total{tool="chat",outcome="error"} 2.0\n'
        'zen_tool_calls_total{tool="debug",outcome="rejected"} 1.0\n'
    )
    assert failed_outcomes(text, "zen_tool_calls_total") == 3.0
    assert rejected_probe("1 validation error for planner: step_number is required")
    assert not rejected_probe("openai model gpt-5: HTTP 503: unavailable")


def test_outcome_summary_counts_kinds_and_takes_percentiles_over_every_call() -> None:
    outcomes = [
        SimpleNamespace(ok=True, latency_s=0.2, kind="ok", error=None),
        SimpleNamespace(ok=False, latency_s=9.0, kind="timeout", error="timed out"),
        SimpleNamespace(ok=True, latency_s=0.4, kind="ok", error=None),
    ]
    summary = outcome_summary(outcomes, quantiles=(50, 95))  # type: ignore[arg-type]
    assert summary == {
        "completed": 2,
        "errors": 1,
        "outcomes": {"ok": 2, "timeout": 1},
        "p50_s": 0.4,
        "p95_s": 9.0,
        "max_s": 9.0,
        "first_error": "timed out",
    }
    assert outcome_summary([])["p99_s"] is None and outcome_summary([])["max_s"] is None
