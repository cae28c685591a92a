"""The shared workflow mechanism: step parsing, run state, continuation, expert consultation.

Tool modules (``zen_server/tools/debug.py`` and its siblings) subclass :class:`WorkflowTool`
and declare only what is theirs: schema additions, prompt, vocabulary and a few hooks.
"""

from zen_server.tools.workflow.base import WorkflowTool
from zen_server.tools.workflow.responses import Vocabulary
from zen_server.tools.workflow.run_state import RunState, StepRecord, read_run, write_run
from zen_server.tools.workflow.schema import (
    CONFIDENCE_LEVELS,
    SEVERITY_FILTERS,
    THINKING_MODES,
    build_workflow_schema,
)
from zen_server.tools.workflow.step import StepInput, StepRules, parse_step

__all__ = [
    "CONFIDENCE_LEVELS",
    "SEVERITY_FILTERS",
    "THINKING_MODES",
    "RunState",
    "StepInput",
    "StepRecord",
    "StepRules",
    "Vocabulary",
    "WorkflowTool",
    "build_workflow_schema",
    "parse_step",
    "read_run",
    "write_run",
]
