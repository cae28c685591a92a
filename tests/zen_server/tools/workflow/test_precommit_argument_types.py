"""precommit refuses its own arguments when they have the wrong JSON type."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from zen_server.errors import ToolInputError
from zen_server.tools.precommit import PrecommitTool

HarnessFactory = Callable[..., Any]


def _args(**extra: Any) -> dict[str, Any]:
    return {
        "step": "validate",
        "step_number": 1,
        "total_steps": 2,
        "next_step_required": True,
        "findings": "looked at the diff",
        **extra,
    }


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"include_staged": "yes"}, "'include_staged' must be true or false"),
        ({"include_unstaged": 0}, "'include_unstaged' must be true or false"),
        ({"compare_to": 5}, "'compare_to' must be a string naming a branch, tag or commit"),
    ],
)
async def test_wrongly_typed_precommit_options_are_refused_before_git_runs(
    make_harness: HarnessFactory, tmp_path: Path, extra: dict[str, Any], expected: str
) -> None:
    h = make_harness(PrecommitTool())
    with pytest.raises(ToolInputError, match=expected):
        await h.call(_args(path=str(tmp_path), **extra))
    assert h.models.requests == []


async def test_a_path_that_is_not_a_string_is_refused(make_harness: HarnessFactory) -> None:
    h = make_harness(PrecommitTool())
    with pytest.raises(ToolInputError, match="'path' must be a string: the repository's absolute path"):
        await h.call(_args(path=["/repo"]))
