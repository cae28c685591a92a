"""Chaos scenarios for MCP servers: a scenario format, a runner that ends in verdicts, reports.

Public names are re-exported here; the modules behind them may change freely.
See docs/chaos.md for the file format and the scenario library.
"""

from harness.chaos.errors import ActionError, ChaosError, EnvironmentStartError, ScenarioError, ScenarioIssue
from harness.chaos.hypotheses import HYPOTHESES, HypothesisSpec, Verdict
from harness.chaos.loader import load_scenario, parse_scenario, scenario_files
from harness.chaos.runner import RunOptions, ScenarioResult, run_scenario
from harness.chaos.scenario import Scenario

__all__ = [
    "HYPOTHESES",
    "ActionError",
    "ChaosError",
    "EnvironmentStartError",
    "HypothesisSpec",
    "RunOptions",
    "Scenario",
    "ScenarioError",
    "ScenarioIssue",
    "ScenarioResult",
    "Verdict",
    "load_scenario",
    "parse_scenario",
    "run_scenario",
    "scenario_files",
]
