"""tools/list for the workflow tools and apilookup matches the upstream interface (PAL 11.8.2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from zen_server.config import Settings
from zen_server.tools.analyze import AnalyzeTool
from zen_server.tools.apilookup import ApiLookupTool
from zen_server.tools.base import Tool
from zen_server.tools.codereview import CodeReviewTool
from zen_server.tools.consensus import ConsensusTool
from zen_server.tools.debug import DebugTool
from zen_server.tools.docgen import DocgenTool
from zen_server.tools.planner import PlannerTool
from zen_server.tools.precommit import PrecommitTool
from zen_server.tools.refactor import RefactorTool
from zen_server.tools.secaudit import SecAuditTool
from zen_server.tools.testgen import TestGenTool
from zen_server.tools.thinkdeep import ThinkDeepTool
from zen_server.tools.tracer import TracerTool

COMPAT = Path(__file__).resolve().parents[4] / "compat" / "pal-11.8.2-tools.json"
TOOLS: list[type[Tool]] = [
    ThinkDeepTool,
    PlannerTool,
    ConsensusTool,
    CodeReviewTool,
    PrecommitTool,
    DebugTool,
    AnalyzeTool,
    RefactorTool,
    TracerTool,
    TestGenTool,
    SecAuditTool,
    DocgenTool,
    ApiLookupTool,
]


def upstream() -> dict[str, Any]:
    if not COMPAT.exists():
        pytest.fail(f"compatibility file missing: {COMPAT}")
    tools: dict[str, Any] = json.loads(COMPAT.read_text())["tools"]
    return tools


def test_every_upstream_workflow_tool_has_a_class_here() -> None:
    covered = {cls.name for cls in TOOLS}
    expected = set(upstream()) - {"chat", "clink", "jules", "challenge", "listmodels", "version"}
    assert covered == expected


@pytest.mark.parametrize("tool_class", TOOLS, ids=lambda c: c.name)
def test_schema_matches_upstream(tool_class: type[Tool]) -> None:
    spec = upstream()[tool_class.name]
    schema = tool_class().input_schema(None, Settings())  # type: ignore[arg-type]
    properties = schema["properties"]
    assert {name: p["type"] for name, p in properties.items()} == spec["properties"]
    assert sorted(schema["required"]) == sorted(spec["required"])
    enums = {name: p["enum"] for name, p in properties.items() if "enum" in p}
    assert {k: sorted(v) for k, v in enums.items()} == {k: sorted(v) for k, v in spec["enums"].items()}
    for name, prop in properties.items():
        assert prop.get("description"), f"{tool_class.name}.{name} has no description"
