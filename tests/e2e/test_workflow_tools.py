"""Workflow tools over stdio with the SDK's client against the fake provider: a full multi-step run."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import mcp_types as types
import pytest
from mcp import Client

from fakes.testing import FakeServer

pytestmark = pytest.mark.e2e

COMPAT = json.loads((Path(__file__).with_name("upstream-tools.json")).read_text())
MODEL = "llama3.2"
Connect = Callable[..., AbstractAsyncContextManager[Client]]
WORKFLOW_TOOLS = ("thinkdeep", "codereview", "debug", "analyze", "testgen", "secaudit", "refactor")


def text_of(result: types.CallToolResult) -> str:
    block = result.content[0]
    assert isinstance(block, types.TextContent)
    return block.text


def step(tool: str, number: int, total: int, path: str, **extra: Any) -> dict[str, Any]:
    return {
        "step": f"{tool} step {number}",
        "step_number": number,
        "total_steps": total,
        "next_step_required": number < total,
        "findings": f"E2E-FINDING-{tool}-{number}",
        "relevant_files": [path],
        "confidence": "exploring",
        "model": MODEL,
        **extra,
    }


@pytest.mark.parametrize("transport", ["stdio"], indirect=True)
async def test_workflow_tools_are_listed_as_upstream_lists_them(connect: Connect) -> None:
    async with connect() as client:
        listed = {t.name: t.input_schema for t in (await client.list_tools()).tools}
    for name in (*WORKFLOW_TOOLS, "planner", "consensus", "precommit", "tracer", "docgen", "apilookup"):
        expected = COMPAT["tools"][name]
        properties = listed[name].get("properties", {})
        assert {p: spec.get("type") for p, spec in properties.items()} == expected["properties"], name
        assert sorted(listed[name].get("required", [])) == sorted(expected["required"]), name


@pytest.mark.parametrize("transport", ["stdio"], indirect=True)
@pytest.mark.parametrize("tool", WORKFLOW_TOOLS)
async def test_three_step_run_reaches_the_model_once_with_everything(
    connect: Connect, fake: FakeServer, tmp_path: Path, tool: str
) -> None:
    source = tmp_path / "module.py"
    source.write_text("def handler():\n    return 'E2E_FILE_MARKER'\n")
    async with connect() as client:
        first = await client.call_tool(tool, step(tool, 1, 3, str(source)))
        assert not first.is_error, text_of(first)
        document = json.loads(text_of(first))
        thread_id = document["continuation_id"]
        assert thread_id and document["status"].startswith("pause_for_")
        second = await client.call_tool(tool, step(tool, 2, 3, str(source), continuation_id=thread_id))
        assert not second.is_error, text_of(second)
        assert fake.control.stats(bodies=0).requests == 0, "intermediate steps must not call a model"
        final = await client.call_tool(tool, step(tool, 3, 3, str(source), continuation_id=thread_id))
        assert not final.is_error, text_of(final)
        assert json.loads(text_of(final))["status"] == "calling_expert_analysis"

    bodies = [call["body"] for call in fake.control.stats(bodies=10).recent]
    assert len(bodies) == 1
    sent = "\n".join(str(m.get("content")) for m in bodies[0]["messages"])
    for number in (1, 2, 3):
        assert sent.count(f"E2E-FINDING-{tool}-{number}") == 1
    assert sent.count("E2E_FILE_MARKER") == 1
