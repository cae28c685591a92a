"""The chat tool: a second opinion from another model, with files and conversation history.

One model call per invocation. The answer is returned with the exchange (the agent's
prompt and files, the model's answer) for the executor to record, so a later call with the
returned continuation_id, from any tool, shows the model this conversation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from zen_server.config import Settings
from zen_server.conversation.exchange import ExchangeDraft
from zen_server.errors import PermanentProviderError
from zen_server.providers.types import ChatMessage, ModelRequest, ThinkingMode
from zen_server.tools.base import Tool, ToolContext, ToolResult
from zen_server.tools.catalog_view import CatalogView
from zen_server.tools.chat_prompt import AGENT_TURN_NOTE, CHAT_SYSTEM_PROMPT, with_locale
from zen_server.tools.files import take_prompt_file
from zen_server.tools.request_context import (
    compose_user_message,
    ensure_room_for_exchange,
    load_images,
    requested_model_name,
    select_model,
)
from zen_server.tools.schema import (
    continuation_field,
    model_field,
    string_array_field,
    temperature_field,
    thinking_mode_field,
)

# A balanced default: chat is for discussion, neither rote nor wild.
DEFAULT_TEMPERATURE = 0.5


class ChatTool(Tool):
    name: ClassVar[str] = "chat"
    title: ClassVar[str] = "Chat"
    description: ClassVar[str] = (
        "Talk a problem through with another model: brainstorm, get a second opinion, check an idea or "
        "a plan, or ask for an explanation. Share code by absolute file path, not inline. Returns a "
        "continuation_id so the discussion can go on, with this or any other tool."
    )

    def input_schema(self, catalog: CatalogView, settings: Settings) -> dict[str, Any]:
        required = ["prompt", "working_directory_absolute_path"]
        if settings.auto_mode:
            required.append("model")
        return {
            "type": "object",
            "properties": {
                "prompt": {
                    "type": "string",
                    "description": (
                        "Your question or idea, with the context the other model needs: the goal, what you "
                        "tried, what worries you. Put code in files and list them in absolute_file_paths."
                    ),
                },
                "absolute_file_paths": string_array_field(
                    "Absolute paths of files or directories to share with the model (embedded with line "
                    "numbers). Files already shared earlier in the conversation are not sent twice."
                ),
                "images": string_array_field(
                    "Absolute image paths or data: URLs, for models that see images."
                ),
                "working_directory_absolute_path": {
                    "type": "string",
                    "description": "Absolute path of an existing directory: the project under discussion.",
                },
                "model": model_field(catalog, settings),
                "temperature": temperature_field(),
                "thinking_mode": thinking_mode_field(),
                "continuation_id": continuation_field(),
            },
            "required": required,
            "additionalProperties": False,
        }

    async def run(self, arguments: Mapping[str, Any], ctx: ToolContext) -> ToolResult:
        args = arguments  # validated by the executor against input_schema
        files_policy = ctx.files
        await files_policy.check(
            args["working_directory_absolute_path"], field="working_directory_absolute_path", kind="dir"
        )
        prompt: str = args["prompt"]
        expanded = await files_policy.expand(
            args.get("absolute_file_paths") or [], field="absolute_file_paths"
        )
        prompt_from_file, files = await take_prompt_file(expanded.files, files_policy)
        if prompt_from_file is not None:
            prompt = prompt_from_file

        continuation_id: str | None = args.get("continuation_id") or None
        thread = await ctx.conversation.load(continuation_id) if continuation_id else None
        ensure_room_for_exchange(thread, ctx.settings)
        model = select_model(ctx.catalog, ctx.settings, self.name, args.get("model"), thread)
        images: list[str] = list(args.get("images") or [])
        image_data = await load_images(images, model, files_policy)

        message = await compose_user_message(
            prompt=prompt, files=files, thread=thread, model=model, settings=ctx.settings, access=files_policy
        )
        thinking: ThinkingMode | None = args.get("thinking_mode") if model.supports_thinking else None
        temperature: float | None = None
        if model.supports_temperature:
            temperature = float(args.get("temperature", DEFAULT_TEMPERATURE))
        request = ModelRequest(
            model=model.name,
            messages=(
                ChatMessage("system", with_locale(CHAT_SYSTEM_PROMPT, ctx.settings.locale)),
                ChatMessage("user", message.text, images=image_data),
            ),
            temperature=temperature,
            thinking_mode=thinking,
            tool_name=self.name,
            auto_selected=requested_model_name(ctx.settings, args.get("model"), thread).lower() == "auto",
        )
        await ctx.report_progress(0, None, f"asking {model.name}")
        response = await ctx.models.generate(request)
        if not response.text.strip():
            raise PermanentProviderError(
                f"{response.model} returned an empty answer (finish reason {response.finish_reason}); "
                "rephrase the prompt or try another model",
                provider=response.provider,
                model=response.model,
            )
        metadata: dict[str, Any] = {
            "tool_name": self.name,
            "model_used": response.model,
            "provider_used": response.provider,
        }
        if message.omitted_files:
            metadata["files_omitted"] = list(message.omitted_files)
        if expanded.withheld:
            metadata["files_withheld"] = list(expanded.withheld)
        return ToolResult(
            content=f"{response.text}\n\n---\n\n{AGENT_TURN_NOTE}",
            metadata=metadata,
            model_response=response,
            exchange=ExchangeDraft(
                user_content=prompt, assistant_content=response.text, files=tuple(files), images=tuple(images)
            ),
            continuation_id=continuation_id,
        )


__all__ = ["DEFAULT_TEMPERATURE", "ChatTool"]
