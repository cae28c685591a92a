"""planner and docgen refuse wrongly typed options and guide the agent step by step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from zen_server.errors import ToolInputError
from zen_server.tools.docgen import DocgenTool
from zen_server.tools.planner import PlannerTool

HarnessFactory = Callable[..., Any]

_DOCGEN_FLAGS = ("document_complexity", "document_flow", "update_existing", "comments_on_complex_logic")


def _plan(**extra: Any) -> dict[str, Any]:
    return {"step": "plan", "step_number": 2, "total_steps": 3, "next_step_required": True, **extra}


def _docgen(number: int, done: Any, total: Any, **extra: Any) -> dict[str, Any]:
    return {
        "step": f"document {number}",
        "step_number": number,
        "total_steps": 4,
        "next_step_required": True,
        "findings": f"DOC-{number}",
        "num_files_documented": done,
        "total_files_to_document": total,
        **dict.fromkeys(_DOCGEN_FLAGS, True),
        **extra,
    }


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"more_steps_needed": "yes"}, "'more_steps_needed' must be true or false"),
        ({"is_branch_point": 1}, "'is_branch_point' must be true or false"),
        ({"branch_from_step": 0}, "'branch_from_step' must be a step number of at least 1"),
        ({"revises_step_number": True}, "'revises_step_number' must be a step number of at least 1"),
        (
            {"is_branch_point": True, "branch_id": "alt"},
            "a branch point needs branch_from_step and branch_id",
        ),
        (
            {"is_branch_point": True, "branch_from_step": 1},
            "a branch point needs branch_from_step and branch_id",
        ),
    ],
)
async def test_planner_refuses_malformed_branch_and_revision_options(
    make_harness: HarnessFactory, extra: dict[str, Any], expected: str
) -> None:
    h = make_harness(PlannerTool())
    with pytest.raises(ToolInputError, match=expected):
        await h.call(_plan(**extra))


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"document_flow": "true"}, "docgen: 'document_flow' must be true or false"),
        ({"num_files_documented": -1}, "'num_files_documented' must be a non-negative integer, got -1"),
        (
            {"total_files_to_document": "3"},
            "'total_files_to_document' must be a non-negative integer, got '3'",
        ),
        (
            {"total_files_to_document": True},
            "'total_files_to_document' must be a non-negative integer, got True",
        ),
    ],
)
async def test_docgen_refuses_wrongly_typed_flags_and_counts(
    make_harness: HarnessFactory, overrides: dict[str, Any], expected: str
) -> None:
    h = make_harness(DocgenTool())
    with pytest.raises(ToolInputError, match=expected):
        await h.call({**_docgen(1, 0, 3), **overrides})


async def test_docgen_after_step_one_asks_for_the_next_file_and_reports_progress(
    make_harness: HarnessFactory,
) -> None:
    h = make_harness(DocgenTool())
    first = await h.call(_docgen(1, 0, 3))
    assert first["required_actions"][0].startswith("List every file that needs documentation")
    second = await h.call(_docgen(2, 1, 3, continuation_id=first["continuation_id"]))
    assert second["status"] == "pause_for_documentation_analysis"
    assert (
        second["required_actions"][0] == "Document the next undocumented file completely (1 of 3 done so far)"
    )
    assert second["documentation_progress"] == {"num_files_documented": 1, "total_files_to_document": 3}
    assert h.models.requests == []
