"""The OpenAI Responses API (``POST {base}/responses``) for the models the catalog marks with it.

Some models (o3-pro, the Codex and Pro lines) are served only by the Responses API, as
upstream's catalog records with ``use_openai_response_api``; ours says ``use_responses_api``.
One request, non-streaming, shaped as the API takes it:

* system messages become ``instructions``; user and assistant turns become ``input``
  items with ``input_text`` / ``output_text`` parts, images as ``input_image`` data URLs;
* ``reasoning.effort`` comes from the call's thinking mode, else the model's default;
* ``max_output_tokens`` is bounded by the model's limit; ``temperature`` only where the
  model accepts one; ``store`` is false, so the provider keeps no copy of the conversation.

The answer is the text of the ``message`` items' ``output_text`` parts. A refusal or a
``content_filter`` stop is permanent; a ``failed`` or empty answer is transient; an answer
cut at the token limit is returned with ``finish_reason="length"``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from zen_server.errors import PermanentProviderError, TransientProviderError
from zen_server.providers.catalog import ModelSpec
from zen_server.providers.http import token_count
from zen_server.providers.images import data_url, load_image
from zen_server.providers.types import ChatMessage, ModelRequest, ModelResponse, ResolvedCall, TokenUsage

# thinking_mode -> Responses reasoning.effort ("max" has no equivalent above "high").
REASONING_EFFORT = {"minimal": "minimal", "low": "low", "medium": "medium", "high": "high", "max": "high"}


async def responses_body(
    request: ModelRequest, target: ResolvedCall, spec: ModelSpec | None
) -> dict[str, Any]:
    images_ok = spec is None or spec.supports_images
    instructions = "\n\n".join(m.content for m in request.messages if m.role == "system")
    items = [await _input_item(m, images_ok) for m in request.messages if m.role != "system"]
    body: dict[str, Any] = {"model": target.api_model, "input": items, "store": False}
    if instructions:
        body["instructions"] = instructions
    effort = REASONING_EFFORT[request.thinking_mode] if request.thinking_mode else None
    effort = effort or (spec.default_reasoning_effort if spec is not None else None)
    if effort:
        body["reasoning"] = {"effort": effort}
    if request.max_output_tokens is not None:
        limit = request.max_output_tokens
        body["max_output_tokens"] = min(limit, spec.max_output_tokens) if spec is not None else limit
    if request.temperature is not None and (spec is None or spec.supports_temperature):
        body["temperature"] = request.temperature
    return body


async def _input_item(message: ChatMessage, images_ok: bool) -> dict[str, Any]:
    if message.role == "assistant":
        return {"role": "assistant", "content": [{"type": "output_text", "text": message.content}]}
    parts: list[dict[str, Any]] = [{"type": "input_text", "text": message.content}]
    if images_ok:
        for ref in message.images:
            mime, data = load_image(ref)
            parts.append({"type": "input_image", "image_url": data_url(mime, data)})
    return {"role": "user", "content": parts}


def parse_responses_answer(provider: str, data: Mapping[str, Any], target: ResolvedCall) -> ModelResponse:
    where = f"{provider} model {target.model}"
    status = data.get("status")
    details = data.get("incomplete_details")
    reason = details.get("reason") if isinstance(details, Mapping) else None
    texts, refusals = _output_parts(data.get("output"))
    if (refusals and not texts) or reason == "content_filter":
        what = reason or "refusal"
        raise PermanentProviderError(
            f"{where}: the provider refused to answer ({what})", provider=provider, model=target.model
        )
    if status == "failed":
        error = data.get("error")
        message = error.get("message") if isinstance(error, Mapping) else None
        why = message or "no reason given"
        raise TransientProviderError(
            f"{where}: the response failed ({why})", provider=provider, model=target.model
        )
    text = "".join(texts)
    if not text:
        raise TransientProviderError(
            f"{where}: the answer is empty (status={status!r})", provider=provider, model=target.model
        )
    raw_usage = data.get("usage")
    usage: Mapping[str, Any] = raw_usage if isinstance(raw_usage, Mapping) else {}
    return ModelResponse(
        text=text,
        provider=provider,
        model=target.model,
        usage=TokenUsage(
            input_tokens=token_count(usage.get("input_tokens")),
            output_tokens=token_count(usage.get("output_tokens")),
        ),
        finish_reason="length" if reason == "max_output_tokens" else "stop",
    )


def _output_parts(output: Any) -> tuple[list[str], list[str]]:
    """(output_text texts, refusal texts) of the ``message`` items, in order."""
    texts: list[str] = []
    refusals: list[str] = []
    items: Sequence[Any] = output if isinstance(output, list) else ()
    for item in items:
        if not isinstance(item, Mapping) or item.get("type") != "message":
            continue  # reasoning summaries, tool calls: not the answer
        for part in item.get("content") or ():
            if not isinstance(part, Mapping):
                continue
            if part.get("type") == "output_text" and isinstance(part.get("text"), str):
                texts.append(part["text"])
            elif part.get("type") == "refusal":
                refusals.append(str(part.get("refusal", "")))
    return texts, refusals


__all__ = ["REASONING_EFFORT", "parse_responses_answer", "responses_body"]
