"""apilookup: instructions for the agent to research current API documentation itself.

The server has no web access and calls no model here; like the original, it hands the agent
a research brief to run with its own web search tool.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from zen_server.errors import ToolInputError
from zen_server.tools.base import Tool, ToolContext, ToolResult

if TYPE_CHECKING:
    from zen_server.config import Settings
    from zen_server.providers.catalog import ModelCatalog

LOOKUP_BRIEF = """Research this with your own web search tool, in a separate sub-task; this tool cannot
search the web and calling it again will not help.

1. Establish today's date first, and judge every source by how current it is.
2. Find the current stable version of the API, SDK, framework or platform involved, then search for
   the specific question for that version.
3. Prefer primary sources: official documentation, release notes and changelogs, the project's
   repository, and its package registry page. Use community answers only to fill gaps.
4. Check for deprecations, breaking changes and migration notes between the version the user
   has and the current one.
5. Stop after a handful of searches once an authoritative, current answer is found.
6. Answer with the version the answer applies to, working code or configuration where useful,
   and links to the sources you relied on."""


class ApiLookupTool(Tool):
    name = "apilookup"
    title = "API Lookup"
    description = (
        "Use when you need current API or SDK documentation, the latest version, breaking changes, "
        "deprecations or migration notes. Returns a research brief for your own web search, so answers "
        "rest on current official sources rather than training data."
    )
    requires_model = False

    def input_schema(self, catalog: ModelCatalog, settings: Settings) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "prompt": {
                    "type": "string",
                    "description": "The API, SDK, library or technology and what you need to know about it.",
                }
            },
            "required": ["prompt"],
        }

    async def run(self, arguments: Mapping[str, Any], ctx: ToolContext) -> ToolResult:
        prompt = arguments.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise ToolInputError("apilookup: 'prompt' is required; send the API or library and your question")
        response = {"status": "web_lookup_needed", "instructions": LOOKUP_BRIEF, "user_prompt": prompt}
        return ToolResult(
            content=json.dumps(response, ensure_ascii=False, indent=2),
            status="web_lookup_needed",
            content_type="json",
            metadata={"tool_name": self.name},
        )


__all__ = ["LOOKUP_BRIEF", "ApiLookupTool"]
