"""The challenge tool: no model call; it hands the agent its own statement back, framed so
the agent re-examines it critically instead of agreeing by reflex.

Like the original, the answer is a JSON document of its own (status "challenge_accepted",
the original statement, the framed prompt, instructions) and no conversation is recorded.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from zen_server.config import Settings
from zen_server.tools.base import Tool, ToolContext, ToolResult
from zen_server.tools.catalog_view import CatalogView

CHALLENGE_STATUS = "challenge_accepted"


def frame_for_challenge(statement: str) -> str:
    """The statement wrapped in instructions to test it rather than accept it."""
    return (
        "CRITICAL REVIEW - do not simply agree.\n\n"
        f'Statement: "{statement}"\n\n'
        "Examine this statement on its merits. Is it correct, complete and well argued? Check the facts "
        "and the code if you need to. If it is wrong, partly wrong or misleading, say exactly where and "
        "why. If it holds up, say why it holds up. Keep to the point and let evidence, not politeness, "
        "decide your answer."
    )


class ChallengeTool(Tool):
    name: ClassVar[str] = "challenge"
    title: ClassVar[str] = "Challenge"
    description: ClassVar[str] = (
        "Guard against reflexive agreement: when the user questions or pushes back on an earlier answer, "
        "or a claim needs a sanity check, pass the statement here to get it back framed for a critical, "
        "evidence-based reassessment. No model is called."
    )
    requires_model: ClassVar[bool] = False

    def input_schema(self, catalog: CatalogView, settings: Settings) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "prompt": {
                    "type": "string",
                    "description": (
                        "The statement to re-examine. When invoking it yourself, pass the statement without "
                        "the word 'challenge'; automatic invocations pass the user's message unchanged."
                    ),
                }
            },
            "required": ["prompt"],
        }

    async def run(self, arguments: Mapping[str, Any], ctx: ToolContext) -> ToolResult:
        args = arguments  # validated by the executor against input_schema
        statement: str = args["prompt"]
        document = {
            "status": CHALLENGE_STATUS,
            "original_statement": statement,
            "challenge_prompt": frame_for_challenge(statement),
            "instructions": (
                "Put the challenge_prompt to yourself and follow it. Re-check the statement before you "
                "reply: if you find reasons to disagree or to qualify it, explain them; if you find it "
                "sound, say why, with the evidence."
            ),
        }
        return ToolResult(
            content=json.dumps(document, indent=2, ensure_ascii=False),
            status=CHALLENGE_STATUS,
            content_type="json",
            metadata={"tool_name": self.name},
        )


__all__ = ["CHALLENGE_STATUS", "ChallengeTool", "frame_for_challenge"]
