"""The expert consultation at the end of a run: one prompt with everything, one model call.

The prompt holds, in this order: the conversation the run was started in (earlier turns of
the thread, through the conversation package's history builder), the run itself (every
step's text and findings, context, hypotheses, issues), the tool's own sections, the
relevant files embedded once each, and the tool's instruction. The call goes through
``ctx.models.generate`` like every other model call, so admission, deadline, breakers,
retries, metrics and audit apply unchanged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from zen_server.conversation.budget import TokenBudget
from zen_server.conversation.history import build_history
from zen_server.errors import UnknownModelError
from zen_server.providers.types import ChatMessage, ModelRequest, ModelResponse, ThinkingMode
from zen_server.tools.workflow.run_state import RunState

if TYPE_CHECKING:
    from zen_server.conversation.types import Thread
    from zen_server.tools.base import ToolContext

# Used when the model's window is unknown (auto mode before routing): a common modern size.
DEFAULT_CONTEXT_WINDOW = 128_000


@dataclass(frozen=True, slots=True)
class ExpertPrompt:
    system: str
    user: str
    images: tuple[str, ...] = ()


def describe_run(tool: str, run: RunState) -> str:
    """The run as the expert reads it: every step once, then what the steps add up to."""
    parts = [f"=== {tool.upper()} INVESTIGATION BY THE AGENT ===", f"Initial request: {run.initial_request}"]
    for record in run.steps:
        parts.append(
            f"\n--- Step {record.step_number} (confidence: {record.confidence}) ---\n"
            f"Step: {record.step}\nFindings: {record.findings}"
        )
    if run.relevant_context:
        parts.append("\n=== RELEVANT CODE ELEMENTS ===\n" + "\n".join(f"- {c}" for c in run.relevant_context))
    if run.hypotheses:
        parts.append(
            "\n=== HYPOTHESES, OLDEST FIRST ===\n"
            + "\n".join(f"Step {n} ({conf}): {text}" for n, conf, text in run.hypotheses)
        )
    if run.issues_found:
        parts.append(
            "\n=== ISSUES REPORTED BY THE AGENT ===\n" + "\n".join(format_issue(i) for i in run.issues_found)
        )
    if run.files_checked:
        parts.append("\n=== FILES THE AGENT EXAMINED ===\n" + "\n".join(f"- {f}" for f in run.files_checked))
    return "\n".join(parts)


def format_issue(issue: Mapping[str, Any]) -> str:
    severity = str(issue.get("severity", "unknown")).upper()
    description = issue.get("description") or json.dumps(issue, ensure_ascii=False, default=str)
    return f"[{severity}] {description}"


def format_sections(sections: Mapping[str, str]) -> str:
    return "\n".join(
        f"\n=== {title.upper()} ===\n{body}\n=== END {title.upper()} ==="
        for title, body in sections.items()
        if body
    )


def history_before_run(thread: Thread | None, run: RunState, *, token_budget: int, max_turns: int) -> str:
    """The conversation this run builds on: the thread's turns before its step 1.

    The run's own steps are left out on purpose: ``describe_run`` already carries each of
    them once, and repeating them would double every finding in the prompt.
    """
    if thread is None or run.history_start <= 0:
        return ""
    earlier = replace(thread, turns=thread.turns[: run.history_start])
    return build_history(earlier, token_budget=token_budget, max_turns=max_turns).text


def budget_for(ctx: ToolContext, model: str) -> TokenBudget:
    window = DEFAULT_CONTEXT_WINDOW
    if model.lower() != "auto":
        try:
            window = ctx.catalog.resolve(model).context_window
        except UnknownModelError:  # the gateway reports unknown models properly; here it only sizes budgets
            window = DEFAULT_CONTEXT_WINDOW
    return TokenBudget.for_context_window(window)


def build_expert_prompt(
    *,
    tool: str,
    system_prompt: str,
    instruction: str,
    run: RunState,
    history: str,
    sections: Mapping[str, str],
    files_block: str,
) -> ExpertPrompt:
    parts = []
    if history:
        parts.append(history)
    parts.append(describe_run(tool, run))
    if sections:
        parts.append(format_sections(sections))
    if files_block:
        parts.append(f"\n=== RELEVANT FILES (each once) ===\n{files_block}\n=== END RELEVANT FILES ===")
    parts.append(f"\n=== YOUR TASK ===\n{instruction}")
    return ExpertPrompt(system=system_prompt, user="\n".join(parts), images=run.images)


async def consult_expert(
    ctx: ToolContext,
    prompt: ExpertPrompt,
    *,
    tool: str,
    model: str,
    temperature: float | None,
    thinking_mode: ThinkingMode | None,
) -> ModelResponse:
    # Paths become data URLs here, read under the file policy; providers never touch the disk.
    images = await ctx.files.load_images(prompt.images)
    request = ModelRequest(
        model=model,
        messages=(
            ChatMessage(role="system", content=prompt.system),
            ChatMessage(role="user", content=prompt.user, images=images),
        ),
        temperature=temperature,
        thinking_mode=thinking_mode,
        tool_name=tool,
    )
    return await ctx.models.generate(request)


_FENCED = re.compile(r"```(?:json)?\s*(.*?)\s*```", re.DOTALL)


def parse_expert_reply(text: str) -> dict[str, Any]:
    """A JSON object reply is kept as is; anything else is wrapped as a plain-text analysis."""
    candidate = text.strip()
    fenced = _FENCED.search(candidate)
    if fenced:
        candidate = fenced.group(1).strip()
    try:
        parsed = json.loads(candidate)
    except json.JSONDecodeError:
        parsed = None
    if isinstance(parsed, dict):
        return parsed
    return {"status": "analysis_complete", "raw_analysis": text, "format": "text"}


__all__ = [
    "DEFAULT_CONTEXT_WINDOW",
    "ExpertPrompt",
    "budget_for",
    "build_expert_prompt",
    "consult_expert",
    "describe_run",
    "format_issue",
    "format_sections",
    "history_before_run",
    "parse_expert_reply",
]
