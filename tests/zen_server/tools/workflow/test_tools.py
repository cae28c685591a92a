"""Each workflow tool's own behaviour on top of the shared mechanism."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from zen_server.config import Settings
from zen_server.errors import FileAccessError, ToolInputError
from zen_server.tools.analyze import AnalyzeTool
from zen_server.tools.apilookup import ApiLookupTool
from zen_server.tools.base import Tool
from zen_server.tools.codereview import CodeReviewTool
from zen_server.tools.debug import DebugTool
from zen_server.tools.docgen import DocgenTool
from zen_server.tools.planner import PlannerTool
from zen_server.tools.refactor import RefactorTool
from zen_server.tools.secaudit import SecAuditTool
from zen_server.tools.testgen import TestGenTool
from zen_server.tools.thinkdeep import ThinkDeepTool
from zen_server.tools.tracer import TracerTool

HarnessFactory = Callable[..., Any]


def args(number: int, total: int, **extra: Any) -> dict[str, Any]:
    return {
        "step": f"step {number}",
        "step_number": number,
        "total_steps": total,
        "next_step_required": number < total,
        "findings": f"FINDING-{number}",
        "model": "pro",
        **extra,
    }


EXPERT_TOOLS: list[tuple[type[Tool], str, str]] = [
    (ThinkDeepTool, "pause_for_thinkdeep", "thinkdeep_status"),
    (CodeReviewTool, "pause_for_code_review", "code_review_status"),
    (DebugTool, "pause_for_investigation", "investigation_status"),
    (AnalyzeTool, "pause_for_analysis", "analysis_status"),
    (RefactorTool, "pause_for_refactoring_analysis", "refactoring_status"),
    (TestGenTool, "pause_for_test_analysis", "test_generation_status"),
    (SecAuditTool, "pause_for_security_audit", "security_audit_status"),
]


@pytest.mark.parametrize(
    ("tool_class", "pause", "status_key"), EXPERT_TOOLS, ids=lambda v: getattr(v, "name", "")
)
async def test_expert_tools_pause_then_consult_their_own_prompt(
    make_harness: HarnessFactory, tool_class: type[Tool], pause: str, status_key: str
) -> None:
    h = make_harness(tool_class())
    first = await h.call(args(1, 2, confidence="exploring"))
    assert first["status"] == pause and status_key in first
    final = await h.call(args(2, 2, continuation_id=first["continuation_id"], confidence="exploring"))
    assert final["status"] == "calling_expert_analysis"
    (request,) = h.models.requests
    assert request.tool_name == tool_class.name
    assert request.messages[0].content == tool_class.system_prompt  # type: ignore[attr-defined]
    assert "FINDING-1" in request.messages[1].content and "FINDING-2" in request.messages[1].content


async def test_thinkdeep_uses_the_configured_thinking_mode_unless_the_step_names_one(
    make_harness: HarnessFactory,
) -> None:
    h = make_harness(ThinkDeepTool())
    h.settings = Settings(default_thinking_mode_thinkdeep="max")
    await h.call(args(1, 1, problem_context="CONTEXT-X"))
    await h.call(args(1, 1, thinking_mode="low"))
    assert [r.thinking_mode for r in h.models.requests] == ["max", "low"]
    assert "CONTEXT-X" in h.models.requests[0].messages[1].content


async def test_codereview_internal_validation_skips_the_expert(make_harness: HarnessFactory) -> None:
    h = make_harness(CodeReviewTool())
    result = await h.call(args(1, 1, review_validation_type="internal"))
    assert result["status"] == "code_review_complete_ready_for_implementation"
    assert result["expert_analysis"]["status"] == "skipped_due_to_internal_analysis_type"
    assert h.models.requests == []


async def test_refactor_complete_confidence_skips_and_other_scales_are_refused(
    make_harness: HarnessFactory,
) -> None:
    h = make_harness(RefactorTool())
    result = await h.call(args(1, 1, confidence="complete"))
    assert result["status"] == "refactoring_analysis_complete_ready_for_implementation"
    assert h.models.requests == []
    refusal = "'confidence' must be one of 'exploring', 'incomplete', 'partial', 'complete'"
    with pytest.raises(ToolInputError, match=refusal):
        await h.call(args(1, 1, confidence="certain"))


async def test_refactor_embeds_style_examples_and_checks_their_paths(
    make_harness: HarnessFactory, source_files: dict[str, str]
) -> None:
    h = make_harness(RefactorTool())
    with pytest.raises(FileAccessError):
        await h.call(args(1, 1, style_guide_examples=["style.py"]))
    await h.call(args(1, 1, style_guide_examples=[source_files["store.py"]], confidence="partial"))
    assert h.models.requests[0].messages[1].content.count("STORE_MARKER") == 1


async def test_secaudit_passes_its_audit_settings_to_the_expert(make_harness: HarnessFactory) -> None:
    h = make_harness(SecAuditTool())
    await h.call(args(1, 1, compliance_requirements=["PCI DSS"], audit_focus="owasp"))
    prompt = h.models.requests[0].messages[1].content
    assert "PCI DSS" in prompt and "owasp" in prompt


async def test_tracer_never_calls_a_model_and_requires_its_mode(make_harness: HarnessFactory) -> None:
    h = make_harness(TracerTool())
    with pytest.raises(ToolInputError, match="trace_mode"):
        await h.call(args(1, 2, target_description="Cache.evict"))
    first = await h.call(args(1, 2, trace_mode="dependencies", target_description="Cache"))
    assert first["status"] == "pause_for_tracing"
    assert any("incoming" in a for a in first["required_actions"])
    final = await h.call(args(2, 2, continuation_id=first["continuation_id"]))
    assert final["status"] == "tracing_complete"
    assert h.models.requests == []


async def test_tracer_ask_mode_sends_the_agent_to_the_user(make_harness: HarnessFactory) -> None:
    h = make_harness(TracerTool())
    first = await h.call(args(1, 2, trace_mode="ask", target_description="Cache"))
    assert "Ask the user" in first["required_actions"][0]


def docgen_args(number: int, total: int, done: int, files: int, **extra: Any) -> dict[str, Any]:
    base = args(number, total, num_files_documented=done, total_files_to_document=files, **extra)
    base.pop("model")
    return {**base, **dict.fromkeys(
        ("document_complexity", "document_flow", "update_existing", "comments_on_complex_logic"), True
    )}  # fmt: skip


async def test_docgen_refuses_to_finish_before_every_file_is_documented(make_harness: HarnessFactory) -> None:
    h = make_harness(DocgenTool())
    thread_id = (await h.call(docgen_args(1, 3, 0, 2)))["continuation_id"]
    early = await h.call(docgen_args(2, 2, 1, 2, continuation_id=thread_id))
    assert early["status"] == "documentation_analysis_required"
    assert "1 of 2" in early["next_steps"]
    done = await h.call(docgen_args(3, 3, 2, 2, continuation_id=thread_id))
    assert done["status"] == "documentation_analysis_complete"
    assert h.models.requests == []
    with pytest.raises(ToolInputError, match="exceeds"):
        await h.call(docgen_args(1, 2, 3, 2))


async def test_planner_pauses_for_reflection_on_large_plans_and_tracks_branches(
    make_harness: HarnessFactory,
) -> None:
    h = make_harness(PlannerTool())
    plan = {"model": "pro"}
    first = await h.call(
        {"step": "Goal: migrate", "step_number": 1, "total_steps": 6, "next_step_required": True, **plan}
    )
    assert first["status"] == "pause_for_deep_thinking"
    assert first["thinking_required"] is True
    thread_id = first["continuation_id"]
    second = await h.call(
        {"step": "Alt path", "step_number": 2, "total_steps": 3, "next_step_required": True,
         "is_branch_point": True, "branch_from_step": 1, "branch_id": "alt",
         "continuation_id": thread_id, **plan}
    )  # fmt: skip
    assert second["status"] == "pause_for_planning"
    assert second["metadata"]["branches"] == ["alt"]
    final = await h.call(
        {"step": "Ship it", "step_number": 3, "total_steps": 3, "next_step_required": False,
         "continuation_id": thread_id, **plan}
    )  # fmt: skip
    assert final["status"] == "planning_complete"
    assert "Goal: migrate" in final["plan_summary"] and "Ship it" in final["plan_summary"]
    assert h.models.requests == []


async def test_planner_revision_must_name_an_earlier_step(make_harness: HarnessFactory) -> None:
    h = make_harness(PlannerTool())
    with pytest.raises(ToolInputError, match="revises_step_number"):
        await h.call(
            {
                "step": "x",
                "step_number": 1,
                "total_steps": 2,
                "next_step_required": True,
                "is_step_revision": True,
            }
        )


async def test_apilookup_returns_a_research_brief_and_keeps_no_thread(make_harness: HarnessFactory) -> None:
    h = make_harness(ApiLookupTool())
    result = await h.tool.run({"prompt": "latest httpx timeout API"}, h.ctx())
    document = json.loads(result.content)
    assert document["status"] == "web_lookup_needed"
    assert document["user_prompt"] == "latest httpx timeout API"
    assert result.exchange is None and h.models.requests == []
    with pytest.raises(ToolInputError):
        await h.tool.run({"prompt": " "}, h.ctx())
