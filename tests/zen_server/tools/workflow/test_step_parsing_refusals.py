"""parse_step refuses every malformed field with a message naming the field and the problem.

A half-valid workflow step would corrupt the run state kept in the thread, so each type
error is pinned here, together with the lenient conversions the original server allows.
"""

from __future__ import annotations

from typing import Any

import pytest

from zen_server.errors import ToolInputError
from zen_server.tools.workflow.guidance import default_required_actions
from zen_server.tools.workflow.step import StepInput, StepRules, parse_step

RULES = StepRules(tool_name="debug", confidence_levels=("exploring", "low", "medium", "high", "certain"))


def _args(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "step": "look at the parser",
        "step_number": 1,
        "total_steps": 2,
        "next_step_required": True,
        "findings": "the parser drops empty lines",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not ...}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"step": 42}, "'step' must be a string, got int"),
        ({"step": ...}, "missing required argument(s) 'step' (a string)"),
        ({"step_number": ...}, "missing required argument(s) 'step_number' (an integer)"),
        ({"step_number": True}, "'step_number' must be an integer, got bool"),
        ({"total_steps": 0}, "'total_steps' must be at least 1, got 0"),
        ({"total_steps": "3"}, "'total_steps' must be an integer, got str"),
        ({"next_step_required": ...}, "missing required argument(s) 'next_step_required' (true or false)"),
        ({"next_step_required": "yes"}, "'next_step_required' must be true or false, got str"),
        ({"use_assistant_model": 1}, "'use_assistant_model' must be true or false, got int"),
        ({"temperature": True}, "'temperature' must be a number, got bool"),
        ({"temperature": "0.5"}, "'temperature' must be a number, got str"),
        ({"temperature": 1.5}, "'temperature' must be between 0 and 1, got 1.5"),
        ({"relevant_files": "/a.py"}, "'relevant_files' must be an array, got str"),
        ({"files_checked": 7}, "'files_checked' must be an array, got int"),
        ({"images": ["/a.png", 3]}, "'images[1]' must be a string, got int"),
        ({"issues_found": "all broken"}, "'issues_found' must be an array, got str"),
        ({"issues_found": {"severity": "high"}}, "'issues_found' must be an array, got dict"),
        ({"issues_found": [42]}, "'issues_found[0]' must be an object or a string, got int"),
        (
            {"confidence": "sure"},
            "'confidence' must be one of 'exploring', 'low', 'medium', 'high', 'certain', got 'sure'",
        ),
        ({"findings": "   "}, "'findings' is required and must not be empty"),
    ],
)
def test_malformed_step_field_is_refused_naming_the_field_and_what_to_send(
    overrides: dict[str, Any], expected: str
) -> None:
    with pytest.raises(ToolInputError) as caught:
        parse_step(_args(**overrides), RULES)
    message = str(caught.value)
    assert message.startswith("debug: ")
    assert expected in message


def test_temperature_at_the_bounds_is_accepted_as_a_float() -> None:
    assert parse_step(_args(temperature=0), RULES).temperature == 0.0
    assert parse_step(_args(temperature=1), RULES).temperature == 1.0
    assert parse_step(_args(), RULES).temperature is None


def test_string_lists_drop_blanks_and_duplicates_keeping_first_order() -> None:
    step = parse_step(_args(relevant_files=["/b.py", " ", "/a.py", "/b.py"], files_checked=None), RULES)
    assert step.relevant_files == ("/b.py", "/a.py")
    assert step.files_checked == ()


def test_issues_accept_objects_and_bare_strings_as_unknown_severity() -> None:
    issue = {"severity": "high", "description": "off by one"}
    step = parse_step(_args(issues_found=[issue, "leaks a handle"]), RULES)
    assert step.issues_found == (issue, {"severity": "unknown", "description": "leaks a handle"})
    # The parsed issue is a copy: mutating it cannot change the caller's argument.
    step.issues_found[0]["severity"] = "low"
    assert issue["severity"] == "high"


def test_findings_may_be_absent_when_the_tool_does_not_require_them() -> None:
    rules = StepRules(tool_name="planner", confidence_levels=("low", "high"), requires_findings=False)
    step = parse_step(_args(findings=...), rules)
    assert step.findings == ""
    assert step.confidence == "low"


def test_unknown_arguments_are_kept_as_the_tools_extras() -> None:
    step = parse_step(_args(review_type="security", model="flash", hypothesis=""), RULES)
    assert step.extras == {"review_type": "security"}
    assert step.model == "flash"
    assert step.hypothesis is None


def _step(number: int, confidence: str) -> StepInput:
    return StepInput(
        step="s",
        step_number=number,
        total_steps=5,
        next_step_required=True,
        findings="f",
        confidence=confidence,
    )


@pytest.mark.parametrize(
    ("number", "confidence", "first_action_starts"),
    [
        (1, "certain", "Read the code involved"),
        (2, "exploring", "Follow the calls"),
        (3, "incomplete", "Follow the calls"),
        (2, "medium", "Confirm the current hypothesis"),
        (4, "partial", "Confirm the current hypothesis"),
        (4, "very_high", "Verify the last open points"),
    ],
)
def test_default_actions_move_from_reading_to_verifying_as_confidence_grows(
    number: int, confidence: str, first_action_starts: str
) -> None:
    actions = default_required_actions(_step(number, confidence))
    assert actions[0].startswith(first_action_starts)
