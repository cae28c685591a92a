"""testgen: test-suite design for given code, worked out in steps and completed by an expert."""

from __future__ import annotations

from typing import ClassVar

from zen_server.tools.workflow import Vocabulary, WorkflowTool

TESTGEN_PROMPT = """You design tests for code another agent has studied. You get its notes on the code
paths, the files involved and what it believes must be tested.

Find the behaviours worth pinning: the contract of each public function, boundary values,
error and empty cases, concurrency and ordering where they exist, and the scenarios the
agent's notes suggest are fragile. Follow the project's existing test framework and style
when the files show one. Prefer a few tests that would catch real regressions over many
that restate the implementation. Give each test a name that states the behaviour, and
write complete, runnable test code."""


class TestGenTool(WorkflowTool):
    __test__ = False  # the name starts with "Test"; keep pytest from collecting it

    name = "testgen"
    title = "Test Generation"
    description = (
        "Test generation in steps: you study the code paths and edge cases to cover, and an expert model "
        "then writes a focused test suite in the project's framework, using the relevant files."
    )
    system_prompt = TESTGEN_PROMPT
    expert_instruction = (
        "Write the tests the code above needs: list the scenarios first, then complete test code in the "
        "project's framework, each test named for the behaviour it pins."
    )
    vocabulary: ClassVar[Vocabulary] = Vocabulary(
        in_progress="test_generation_in_progress",
        pause="pause_for_test_analysis",
        required_flag="test_analysis_required",
        complete_flag="test_generation_complete",
        status_key="test_generation_status",
        completion_status="test_generation_complete_ready_for_implementation",
        completion_key="complete_test_generation",
        skip_status="skipped_due_to_certain_test_confidence",
    )


__all__ = ["TestGenTool"]
