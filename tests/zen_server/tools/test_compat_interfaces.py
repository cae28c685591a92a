"""The server against both upstream interfaces: it lists 11.8.2's, and it accepts 9.4.1's.

* PAL MCP Server 11.8.2 (``compat/pal-11.8.2-tools.json``): tools/list in auto mode has
  exactly its tools, and for each the same parameter names, JSON types, required list and
  enum values.
* Zen MCP Server 9.4.1 (``compat/upstream-tools.json``): a client written for it works
  unchanged. Every tool it had is here; everything we require, it always sent; and a call
  carrying every argument it listed, with values of its types and enums, passes validation
  and the workflow step parser, including the arguments 11.8.2 dropped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from zen_server.config import Settings
from zen_server.providers.catalog import ModelCatalog
from zen_server.tools.registry import ToolRegistry, tool_listing
from zen_server.tools.workflow.base import WorkflowTool
from zen_server.tools.workflow.step import parse_step

COMPAT = Path(__file__).resolve().parents[3] / "compat"
PAL = json.loads((COMPAT / "pal-11.8.2-tools.json").read_text())["tools"]
ZEN = json.loads((COMPAT / "upstream-tools.json").read_text())["tools"]
SETTINGS = Settings(default_model="auto", custom_api_url="http://127.0.0.1:9/v1")


@pytest.fixture(scope="module")
def registry() -> ToolRegistry:
    return ToolRegistry.default(SETTINGS)


@pytest.fixture(scope="module")
def listed(registry: ToolRegistry) -> dict[str, dict[str, Any]]:
    catalog = ModelCatalog.from_settings(SETTINGS)
    return {str(t["name"]): dict(t["inputSchema"]) for t in tool_listing(registry, catalog, SETTINGS)}


def test_the_server_lists_exactly_the_11_8_2_tools(listed: dict[str, dict[str, Any]]) -> None:
    assert set(listed) == set(PAL)


@pytest.mark.parametrize("tool", sorted(PAL))
def test_each_tool_schema_equals_the_11_8_2_facts(listed: dict[str, dict[str, Any]], tool: str) -> None:
    facts, schema = PAL[tool], listed[tool]
    properties = schema["properties"]
    assert {name: spec["type"] for name, spec in properties.items()} == facts["properties"]
    assert sorted(schema["required"]) == sorted(facts["required"])
    enums = {name: sorted(spec["enum"]) for name, spec in properties.items() if "enum" in spec}
    assert enums == {name: sorted(values) for name, values in facts["enums"].items()}


@pytest.mark.parametrize("tool", sorted(ZEN))
def test_we_require_nothing_a_9_4_1_client_did_not_always_send(
    listed: dict[str, dict[str, Any]], tool: str
) -> None:
    assert set(listed[tool]["required"]) <= set(ZEN[tool]["required"])


def _sample(name: str, kind: str, enum: list[Any] | None) -> Any:
    if enum:
        return enum[-1]
    return {
        "string": "/tmp" if "path" in name else f"sample {name}",
        "integer": 1,
        "number": 0.5,
        "boolean": False,
        "array": [],
        "object": {},
    }[kind]


def _a_9_4_1_call(tool: str) -> dict[str, Any]:
    facts = ZEN[tool]
    args = {name: _sample(name, kind, facts["enums"].get(name)) for name, kind in facts["properties"].items()}
    args.pop("continuation_id", None)  # a real id, or nothing: the sample would name no thread
    if "step_number" in args:
        args.update(step_number=1, total_steps=1, next_step_required=False)
    return args


@pytest.mark.parametrize("tool", sorted(ZEN))
def test_a_9_4_1_call_with_every_argument_it_listed_is_accepted(registry: ToolRegistry, tool: str) -> None:
    arguments = _a_9_4_1_call(tool)
    catalog = ModelCatalog.from_settings(SETTINGS)
    checked = registry.validate(tool, arguments, catalog, SETTINGS)
    instance = registry.get(tool)
    if isinstance(instance, WorkflowTool):
        step = parse_step(checked, instance.step_rules())
        assert step.step_number == 1


@pytest.mark.parametrize(
    ("tool", "dropped"),
    [
        ("consensus", "use_assistant_model"),
        ("docgen", "use_assistant_model"),
        ("planner", "use_assistant_model"),
        ("tracer", "use_assistant_model"),
        ("codereview", "confidence"),
        ("precommit", "confidence"),
    ],
)
def test_arguments_11_8_2_dropped_are_unlisted_but_still_read(
    registry: ToolRegistry, listed: dict[str, dict[str, Any]], tool: str, dropped: str
) -> None:
    assert dropped in ZEN[tool]["properties"] and dropped not in PAL[tool]["properties"]
    assert dropped not in listed[tool]["properties"]
    instance = registry.get(tool)
    assert isinstance(instance, WorkflowTool)
    arguments = _a_9_4_1_call(tool)
    value = {"use_assistant_model": False, "confidence": "certain"}[dropped]
    step = parse_step({**arguments, dropped: value}, instance.step_rules())
    assert getattr(step, dropped) == value
