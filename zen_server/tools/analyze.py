"""analyze: whole-codebase or component analysis (architecture, performance, quality) in steps."""

from __future__ import annotations

from typing import ClassVar

from zen_server.tools.workflow import Vocabulary, WorkflowTool
from zen_server.tools.workflow.schema import FieldSchemas

ANALYZE_PROMPT = """You are a principal engineer assessing a codebase from the material another agent
gathered: its notes, the files it judged relevant and the questions it was asked.

Judge the code against its purpose, not against an ideal. Look at structure and boundaries,
coupling, how it will scale and change, performance hot spots, operational and security
weak points, and whether the tech choices still fit. Separate systemic problems from local
ones and say why each matters in practice. Recommend changes in order of value for effort,
each with the files it touches. Skip style nits unless they hide real risk."""


class AnalyzeTool(WorkflowTool):
    name = "analyze"
    title = "Analyze"
    description = (
        "Step-by-step code analysis: you explore the code and record findings, and an expert model then "
        "assesses architecture, scalability, performance, maintainability and risks with the relevant "
        "files. Use to understand a codebase or component before changing it."
    )
    system_prompt = ANALYZE_PROMPT
    expert_instruction = (
        "Give your assessment of the code above: the strengths worth keeping, the systemic and local "
        "problems with why they matter, and recommended changes ordered by value for effort."
    )
    excluded_fields = frozenset({"hypothesis"})
    extra_fields: ClassVar[FieldSchemas] = {
        "analysis_type": {
            "type": "string",
            "enum": ["architecture", "performance", "security", "quality", "general"],
            "description": "What the analysis concentrates on (default general).",
        },
        "output_format": {
            "type": "string",
            "enum": ["summary", "detailed", "actionable"],
            "description": "How the result should be written (default detailed).",
        },
    }
    vocabulary: ClassVar[Vocabulary] = Vocabulary.for_phase(
        "analysis",
        completion_status="analysis_complete_ready_for_implementation",
        skip_status="skipped_due_to_complete_analysis",
    )


__all__ = ["AnalyzeTool"]
