"""The workflow tools that never call a model (planner, tracer, docgen) and apilookup, over stdio.

Each drives a full run with the SDK's client against the real server and checks the run
state the server keeps between calls as the client sees it: the step numbers echoed, one
continuation_id for the whole run, the progress counters and the final status. And the
fake provider behind the server must not see a single request.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from fakes.testing import FakeServer
from tests.e2e.conftest import MODEL, Connect, text_of

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("transport", ["stdio"], indirect=True)]


async def call(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, f"{tool} step {arguments.get('step_number')}: {text_of(result)}"
    document: dict[str, Any] = json.loads(text_of(result))
    return document


async def refused(client: Client, tool: str, arguments: dict[str, Any]) -> str:
    result = await client.call_tool(tool, arguments)
    assert result.is_error, f"{tool}: expected a refusal, got {text_of(result)[:300]}"
    return text_of(result)


def assert_no_model_call(fake: FakeServer) -> None:
    stats = fake.control.stats(bodies=5)
    assert stats.requests == 0, f"this tool must never call a model, the fake saw {stats.recent}"


async def test_planner_keeps_the_plan_across_steps_with_a_branch(connect: Connect, fake: FakeServer) -> None:
    def plan(number: int, text: str, **extra: Any) -> dict[str, Any]:
        return {
            "step": text,
            "step_number": number,
            "total_steps": 3,
            "next_step_required": number < 3,
            "model": MODEL,
            **extra,
        }

    async with connect() as client:
        first = await call(client, "planner", plan(1, "PLAN-1 split the monolith"))
        thread = first["continuation_id"]
        assert thread, first
        assert (first["status"], first["step_number"], first["total_steps"]) == ("pause_for_planning", 1, 3)
        assert first["planning_required"] is True and first["next_step_required"] is True
        assert first["metadata"]["step_history_length"] == 1
        assert "step 2" in first["next_steps"]

        second = await call(
            client,
            "planner",
            plan(
                2,
                "PLAN-2 alternative: strangler fig",
                continuation_id=thread,
                is_branch_point=True,
                branch_from_step=1,
                branch_id="strangler",
            ),
        )
        assert second["continuation_id"] == thread
        assert (second["status"], second["step_number"]) == ("pause_for_planning", 2)
        assert second["metadata"]["branches"] == ["strangler"]
        assert second["metadata"]["step_history_length"] == 2

        final = await call(client, "planner", plan(3, "PLAN-3 migrate billing first", continuation_id=thread))
        assert final["continuation_id"] == thread
        assert (final["status"], final["step_number"], final["next_step_required"]) == (
            "planning_complete",
            3,
            False,
        )
        assert final["planning_complete"] is True
        assert final["metadata"]["branches"] == ["strangler"], "the branch must survive later steps"
        assert final["metadata"]["step_history_length"] == 3
        # Every step the server kept, in order, from the thread: not only this call's step.
        assert final["plan_summary"] == (
            "Complete plan in 3 steps: 1. PLAN-1 split the monolith | "
            "2. PLAN-2 alternative: strangler fig | 3. PLAN-3 migrate billing first"
        )
        # The run is closed: continuing it is refused with what to send instead.
        text = await refused(client, "planner", plan(3, "PLAN-4 one more", continuation_id=thread))
        assert "already finished" in text and "step_number 1" in text
    assert_no_model_call(fake)


async def test_planner_deep_plan_pauses_for_thinking(connect: Connect, fake: FakeServer) -> None:
    args = {
        "step": "big plan",
        "step_number": 1,
        "total_steps": 6,
        "next_step_required": True,
        "model": MODEL,
    }
    async with connect() as client:
        first = await call(client, "planner", args)
        second = await call(
            client, "planner", {**args, "step_number": 2, "continuation_id": first["continuation_id"]}
        )
    assert first["status"] == second["status"] == "pause_for_deep_thinking"
    assert first["thinking_required"] is True and first["required_thinking"]
    assert first["required_thinking"] != second["required_thinking"], "each early step has its own reflection"
    assert second["continuation_id"] == first["continuation_id"]
    assert_no_model_call(fake)


async def test_tracer_tracks_a_precision_trace_to_completion(
    connect: Connect, fake: FakeServer, tmp_path: Path
) -> None:
    source = tmp_path / "flow.py"
    source.write_text("def entry():\n    return helper()\n\ndef helper():\n    return 1\n")

    def trace(number: int, **extra: Any) -> dict[str, Any]:
        return {
            "step": f"TRACE-STEP-{number}",
            "step_number": number,
            "total_steps": 2,
            "next_step_required": number < 2,
            "findings": f"TRACE-FINDING-{number}",
            "relevant_files": [str(source)],
            "files_checked": [str(source)],
            "relevant_context": [f"entry -> helper ({number})"],
            "confidence": "medium",
            "target_description": "how entry() reaches helper()",
            "trace_mode": "precision",
            "model": MODEL,
            **extra,
        }

    async with connect() as client:
        first = await call(client, "tracer", trace(1))
        thread = first["continuation_id"]
        assert (first["status"], first["step_number"], first["total_steps"]) == ("pause_for_tracing", 1, 2)
        assert first["tracing_required"] is True
        assert any("call" in action for action in first["required_actions"]), first["required_actions"]
        assert first["tracer_status"]["relevant_files"] == 1
        assert first["tracer_status"]["relevant_context"] == 1

        final = await call(client, "tracer", trace(2, continuation_id=thread))
    assert final["continuation_id"] == thread
    assert (final["status"], final["step_number"], final["next_step_required"]) == (
        "tracing_complete",
        2,
        False,
    )
    assert final["tracing_complete"] is True
    # Counters add up the whole run: the file once, both context entries.
    assert final["tracer_status"]["relevant_files"] == 1
    assert final["tracer_status"]["files_checked"] == 1
    assert final["tracer_status"]["relevant_context"] == 2
    summary = final["complete_tracing"]
    assert summary["steps_taken"] == 2
    assert summary["initial_request"] == "TRACE-STEP-1"
    assert summary["findings"] == ["Step 1: TRACE-FINDING-1", "Step 2: TRACE-FINDING-2"]
    assert summary["relevant_files"] == [str(source)]
    assert "call chain" in final["next_steps"]
    assert_no_model_call(fake)


async def test_docgen_counts_files_and_refuses_to_finish_early(
    connect: Connect, fake: FakeServer, tmp_path: Path
) -> None:
    files = [tmp_path / "a.py", tmp_path / "b.py"]
    for path in files:
        path.write_text("def f():\n    return 1\n")

    def doc(number: int, done: int, *, more: bool, **extra: Any) -> dict[str, Any]:
        return {
            "step": f"DOC-STEP-{number}",
            "step_number": number,
            "total_steps": 3,
            "next_step_required": more,
            "findings": f"DOC-FINDING-{number}",
            "relevant_files": [str(p) for p in files],
            "document_complexity": True,
            "document_flow": True,
            "update_existing": True,
            "comments_on_complex_logic": True,
            "num_files_documented": done,
            "total_files_to_document": 2,
            **extra,
        }

    async with connect() as client:
        first = await call(client, "docgen", doc(1, 0, more=True))
        thread = first["continuation_id"]
        assert (first["status"], first["step_number"]) == ("pause_for_documentation_analysis", 1)
        assert first["documentation_progress"] == {"num_files_documented": 0, "total_files_to_document": 2}
        assert any("total_files_to_document" in a for a in first["required_actions"])

        second = await call(client, "docgen", doc(2, 1, more=True, continuation_id=thread))
        assert second["continuation_id"] == thread
        assert second["documentation_progress"]["num_files_documented"] == 1
        assert any("1 of 2" in a for a in second["required_actions"]), second["required_actions"]

        # Claiming to be done with one file left: sent back to work, the run stays open.
        early = await call(client, "docgen", doc(3, 1, more=False, continuation_id=thread))
        assert early["status"] == "documentation_analysis_required"
        assert "documentation_analysis_complete" not in early
        assert "1 of 2" in early["next_steps"]

        # The run is still open, so step 3 may be sent again (a revision) with the real count.
        final = await call(client, "docgen", doc(3, 2, more=False, continuation_id=thread))
        assert final["continuation_id"] == thread
        assert (final["status"], final["step_number"]) == ("documentation_analysis_complete", 3)
        assert final["documentation_analysis_complete"] is True
        assert final["documentation_progress"] == {"num_files_documented": 2, "total_files_to_document": 2}
        assert final["complete_documentation_analysis"]["findings"] == [
            "Step 1: DOC-FINDING-1",
            "Step 2: DOC-FINDING-2",
            "Step 3: DOC-FINDING-3",
        ]
        # More documented than planned is refused with what to send.
        text = await refused(client, "docgen", doc(1, 3, more=True))
        assert "num_files_documented" in text and "real counts" in text
    assert_no_model_call(fake)


async def test_apilookup_returns_a_research_brief_without_a_model(connect: Connect, fake: FakeServer) -> None:
    question = "APILOOKUP-E2E: what replaced httpx.AsyncClient(proxies=...) in httpx 0.28?"
    async with connect() as client:
        document = await call(client, "apilookup", {"prompt": question})
        text = await refused(client, "apilookup", {"prompt": "   "})
    assert document["status"] == "web_lookup_needed"
    assert document["user_prompt"] == question
    assert "web search" in document["instructions"]
    assert "prompt" in text
    assert_no_model_call(fake)
