"""debug: root-cause investigation, step by step, checked by an expert model at the end."""

from __future__ import annotations

from typing import ClassVar

from zen_server.tools.workflow import RunState, StepInput, Vocabulary, WorkflowTool

DEBUG_PROMPT = """You are a senior engineer reviewing a root-cause investigation that another agent
carried out in a codebase you can only see through the material below.

Work from evidence. For each candidate cause, point to the lines that make it possible and
explain the path from trigger to symptom. Rank the candidates by likelihood and say what would
confirm or rule out each one (a log line, a test, a value to print). Prefer the smallest fix
that removes the cause over broad rewrites, and note any regression risk of that fix.
If the material is not enough to decide, say exactly which file or output you need.
If the agent's conclusion is right, say so briefly rather than inventing alternatives."""


class DebugTool(WorkflowTool):
    name = "debug"
    title = "Debug"
    description = (
        "Systematic debugging and root-cause analysis in steps: you investigate the code between calls "
        "and report findings, hypotheses and relevant files; at the end an expert model reviews the "
        "whole investigation with the files. Use for bugs, crashes, wrong results and performance mysteries."
    )
    system_prompt = DEBUG_PROMPT
    expert_instruction = (
        "Assess the investigation above: identify the most likely root cause with the evidence for it, "
        "list the other candidates ranked by likelihood, and give the minimal fix and how to verify it."
    )
    vocabulary: ClassVar[Vocabulary] = Vocabulary.for_phase(
        "investigation",
        completion_status="certain_confidence_proceed_with_fix",
        skip_status="skipped_due_to_certain_confidence",
    )

    def required_actions(self, step: StepInput, run: RunState) -> list[str]:
        if step.step_number == 1:
            return [
                "Reproduce or restate the failure precisely: inputs, expected and actual behaviour, errors",
                "Find the code that produces the symptom and read it, including its callers",
                "Note every file you open in 'files_checked' and the ones that matter in 'relevant_files'",
            ]
        if step.confidence in ("exploring", "low"):
            return [
                "Trace the failing path from its entry point to the symptom",
                "Check inputs, state and error handling along that path for the condition that breaks",
                "Form a hypothesis and write it in 'hypothesis'",
            ]
        return [
            "Confirm the hypothesis at the exact lines involved, or find what contradicts it",
            "Check whether the same defect exists elsewhere",
            "Work out the smallest fix and its risk before finishing",
        ]


__all__ = ["DebugTool"]
