"""The MCP prompts offered alongside the tools (slash commands such as /zen:chat), as data.

One prompt per tool under the name clients of the original server know (codereview is
"review", thinkdeep is "thinkdeeper"), plus "continue", which resumes the last
conversation through chat. The MCP adapter lists the prompts whose tool is enabled and
renders a template with :func:`render_prompt`. Descriptions and templates are our own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PromptSpec:
    name: str
    description: str
    tool_name: str
    # str.format template; may use {model} and {thinking_mode}.
    template: str


PROMPTS: tuple[PromptSpec, ...] = (
    PromptSpec(
        "chat",
        "Discuss an idea or question with another model",
        "chat",
        "Use chat with {model} to discuss this",
    ),
    PromptSpec(
        "clink",
        "Hand a request to a configured external AI CLI",
        "clink",
        "Use clink with cli_name=<cli> on this request",
    ),
    PromptSpec(
        "jules",
        "Start or follow a Google Jules coding session",
        "jules",
        "Use jules to start a Jules session on this task, or to check on one",
    ),
    PromptSpec(
        "thinkdeeper",
        "Deep, step-by-step reasoning about a hard problem, checked by an expert model",
        "thinkdeep",
        "Think this through step by step with thinkdeep, using {model} and {thinking_mode} thinking",
    ),
    PromptSpec(
        "planner",
        "Turn a large task into an ordered, revisable plan",
        "planner",
        "Build a step-by-step plan with planner using {model}",
    ),
    PromptSpec(
        "consensus",
        "Gather and weigh the views of several models",
        "consensus",
        "Reach a consensus with consensus, starting with {model}",
    ),
    PromptSpec(
        "review",
        "Review code for bugs, security, performance and design",
        "codereview",
        "Review this code with codereview using {model}",
    ),
    PromptSpec(
        "precommit",
        "Check pending changes before they are committed",
        "precommit",
        "Validate my pending changes with precommit using {model}",
    ),
    PromptSpec(
        "debug",
        "Track down the root cause of a bug or failure",
        "debug",
        "Find the root cause of this issue with debug using {model}",
    ),
    PromptSpec(
        "secaudit",
        "Audit code for security weaknesses (OWASP Top 10 and more)",
        "secaudit",
        "Run a security audit with secaudit using {model}",
    ),
    PromptSpec(
        "docgen",
        "Write or improve code documentation, including complexity notes",
        "docgen",
        "Document this code with docgen using {model}",
    ),
    PromptSpec(
        "analyze",
        "Understand a codebase: structure, patterns, risks",
        "analyze",
        "Analyze these files with analyze using {model}",
    ),
    PromptSpec(
        "refactor",
        "Find and plan worthwhile refactorings",
        "refactor",
        "Plan refactorings for this code with refactor using {model}",
    ),
    PromptSpec(
        "tracer",
        "Trace call flows and dependencies through the code",
        "tracer",
        "Trace this code path with tracer using {model}",
    ),
    PromptSpec(
        "testgen",
        "Write tests that cover the edge cases that matter",
        "testgen",
        "Generate tests for this code with testgen using {model}",
    ),
    PromptSpec(
        "challenge",
        "Re-examine a statement critically instead of agreeing by reflex",
        "challenge",
        "Challenge this statement critically",
    ),
    PromptSpec(
        "apilookup",
        "Look up current documentation for an API or SDK",
        "apilookup",
        "Look up the current documentation for this API with apilookup",
    ),
    PromptSpec(
        "listmodels",
        "Show the models and providers this server can use",
        "listmodels",
        "List every available model",
    ),
    PromptSpec(
        "version", "Show the server version and configuration", "version", "Show the zen server version"
    ),
    PromptSpec(
        "continue",
        "Carry on the previous conversation (through chat)",
        "chat",
        "Continue the previous conversation with chat",
    ),
)


def prompts_for(enabled_tools: Iterable[str]) -> list[PromptSpec]:
    """The prompts whose tool is enabled, in listing order."""
    enabled = set(enabled_tools)
    return [p for p in PROMPTS if p.tool_name in enabled]


def find_prompt(name: str, enabled_tools: Iterable[str] | None = None) -> PromptSpec:
    """The prompt called ``name`` (case-insensitive); a bare enabled tool name also works.

    Raises KeyError naming the known prompts; the adapter turns it into an MCP error.
    """
    pool = PROMPTS if enabled_tools is None else tuple(prompts_for(enabled_tools))
    wanted = name.strip().lower()
    for prompt in pool:
        if prompt.name == wanted:
            return prompt
    for prompt in pool:
        if prompt.tool_name == wanted:
            return prompt
    raise KeyError(f"unknown prompt {name!r}; known prompts: {', '.join(p.name for p in pool)}")


def render_prompt(prompt: PromptSpec, arguments: Mapping[str, str] | None = None) -> str:
    """The template with ``model`` (default "auto") and ``thinking_mode`` (default "medium") filled in."""
    values = {"model": "auto", "thinking_mode": "medium"}
    values.update({k: v for k, v in (arguments or {}).items() if k in values and v})
    return prompt.template.format(**values)


__all__ = ["PROMPTS", "PromptSpec", "find_prompt", "prompts_for", "render_prompt"]
