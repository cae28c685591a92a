"""Scenario files: every problem is reported as file:line: field: message; the library is valid."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.chaos.errors import ScenarioError
from harness.chaos.loader import load_scenario, parse_scenario, scenario_files

LIBRARY = Path(__file__).resolve().parents[3] / "scenarios"

BROKEN = """\
name: broken
load:
  concurrency: 0
method:
  - action: add_toxic
    proxy: openai
    toxic: {type: latencyy}
  - action: frobnicate
hypotheses:
  - type: latency
    percentile: 95
"""


def issues_of(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, Path("s.yaml"))
    return [str(issue) for issue in caught.value.issues]


def test_every_problem_names_file_line_and_field() -> None:
    issues = issues_of(BROKEN)
    assert "s.yaml:3: load.concurrency: Input should be greater than or equal to 1" in issues
    assert any(i.startswith("s.yaml:7: method.0.toxic.type:") for i in issues)
    assert any(i.startswith("s.yaml:8: method.1.action: unknown action 'frobnicate'; known:") for i in issues)
    assert "s.yaml:10: hypotheses.0: give max_ms, or max_ratio (with ratio_to), not both" in issues
    # A rejected hypothesis must not also produce a misleading "list too short".
    assert not any("at least 1 item" in i for i in issues)


def test_unknown_references_are_reported_with_their_line() -> None:
    text = (
        "name: x\nmethod:\n  - {action: disable_proxy, proxy: nope}\n"
        "hypotheses:\n  - {type: error_rate, max: 0}\n"
    )
    assert issues_of(text) == ["s.yaml:3: method.0.proxy: no proxy named 'nope'; proxy names: openai"]


def test_a_url_target_cannot_be_killed() -> None:
    text = (
        "name: x\ntarget: {kind: url, url: 'http://127.0.0.1:1/mcp'}\n"
        "method:\n  - {action: kill_server}\nhypotheses:\n  - {type: error_rate, max: 0}\n"
    )
    assert issues_of(text) == [
        "s.yaml:4: method.0.action: a target given by URL cannot be killed or restarted by the harness"
    ]


def test_malformed_yaml_names_its_line() -> None:
    issues = issues_of("name: x\nload: {concurrency: [\n")
    assert issues[0].startswith("s.yaml:3: <root>: not valid YAML")


def test_defaults_fill_a_minimal_scenario() -> None:
    scenario = parse_scenario("hypotheses:\n  - {type: error_rate, max: 0}\n", Path("minimal.yaml"))
    assert scenario.name == "minimal"
    assert scenario.target.kind == "zen_server"
    assert [p.name for p in scenario.providers] == ["openai"]


REDIS_SCENARIOS = {
    "redis-cache-outage",  # Redis holds the response cache only: no store to check
    "redis-outage",
    "redis-latency",
    "redis-reset-peer",
    "shared-thread-distributed",
    "redis-restart",
    "server-restart-distributed",
}


def test_the_library_has_twenty_four_valid_scenarios_that_each_say_what_they_prove() -> None:
    files = scenario_files([LIBRARY])
    scenarios = [load_scenario(file) for file in files]
    assert len(scenarios) == 24  # the cluster scenarios live in scenarios/cluster/ (phase3 gate)
    assert all(s.proves and s.title for s in scenarios)
    assert len({s.name for s in scenarios}) == 24
    with_redis = {s.name for s in scenarios if s.redis is not None}
    assert with_redis == REDIS_SCENARIOS
    store_in_redis = {s.name for s in scenarios if s.target.env.get("DISTRIBUTED_MODE") != "false"}
    assert all(
        any(h.kind == "store_integrity" for h in s.hypotheses)
        for s in scenarios
        if s.name in with_redis & store_in_redis
    )


def test_killing_redis_needs_a_redis_section_and_its_proxy_is_named_redis() -> None:
    base = "hypotheses: [{type: error_rate, max: 0}]\n"
    assert issues_of(base + "method: [{action: kill_redis, at: 1}]\n") == [
        "s.yaml:2: method.0.action: needs a 'redis:' section: "
        "only the harness's own redis-server may be killed"
    ]
    with_redis = base + "redis: {proxied: true}\nmethod: [{action: disable_proxy, proxy: redis}]\n"
    assert parse_scenario(with_redis, Path("s.yaml")).redis is not None
    unproxied = base + "redis: {proxied: false}\nmethod: [{action: disable_proxy, proxy: redis}]\n"
    assert issues_of(unproxied) == ["s.yaml:3: method.0.proxy: no proxy named 'redis'; proxy names: openai"]


def test_a_bare_name_is_taken_from_the_library_and_a_path_is_taken_as_given(tmp_path: Path) -> None:
    library = tmp_path / "scenarios"
    library.mkdir()
    (library / "hanging-provider.yaml").write_text("hypotheses: [{type: error_rate, max: 0}]\n")
    (library / "old.yml").write_text("hypotheses: [{type: error_rate, max: 0}]\n")
    own = tmp_path / "mine.yaml"
    files = scenario_files(
        [Path("hanging-provider"), Path("old"), own, Path("missing"), library], library=library
    )
    assert files == [
        library / "hanging-provider.yaml",
        library / "old.yml",
        own,
        library / "missing.yaml",  # reported as unreadable, naming where it looked
        library / "hanging-provider.yaml",
        library / "old.yml",
    ]


def test_zen_harness_run_defaults_to_the_library() -> None:
    from harness.cli import build_parser, load_subcommands

    args = build_parser(load_subcommands()).parse_args(["run", "--quick"])
    assert args.paths == [Path("scenarios")]


def test_a_name_under_a_library_folder_is_taken_from_the_library(tmp_path: Path) -> None:
    library = tmp_path / "scenarios"
    (library / "cluster").mkdir(parents=True)
    (library / "cluster" / "rolling-restart.yaml").write_text("hypotheses: [{type: error_rate, max: 0}]\n")
    files = scenario_files(
        [Path("cluster/rolling-restart"), Path("../cluster/rolling-restart")], library=library
    )
    # A name climbing out of the library is a path taken as given, never resolved against it.
    assert files == [library / "cluster" / "rolling-restart.yaml", Path("../cluster/rolling-restart")]
