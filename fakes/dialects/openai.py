"""OpenAI's wire format: /v1/chat/completions, /v1/responses, /v1/models and error bodies."""

from __future__ import annotations

import time
from typing import Any

from fakes._errors import ProviderRequestError
from fakes.dialects.base import Endpoint, ParsedCall, sse_event
from fakes.reply import Usage
from fakes.script import dump_json

# Status -> (error type, code) as the real API labels them; the SDK maps on status alone.
_ERROR_TYPES: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    404: ("invalid_request_error", "model_not_found"),
    429: ("rate_limit_exceeded", "rate_limit_exceeded"),
    500: ("server_error", None),
    502: ("server_error", None),
    503: ("server_error", "overloaded"),
}


def _text_of(content: Any) -> str:
    """Message content as text: a string, or the text parts of a content list joined by newlines."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [part.get("text", "") for part in content if isinstance(part, dict)]
        return "\n".join(text for text in texts if isinstance(text, str))
    raise ProviderRequestError("message content must be a string or a list of content parts")


def _require_model(body: dict[str, Any]) -> str:
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise ProviderRequestError("'model' is required and must be a non-empty string")
    return model


class OpenAIDialect:
    """Chat Completions and Responses, non-streaming and streaming."""

    provider = "openai"

    def match(self, method: str, path: str, query: dict[str, str]) -> Endpoint | None:
        path = path.rstrip("/")
        if method == "GET" and path == "/v1/models":
            return Endpoint("models", "models")
        if method == "POST" and path == "/v1/chat/completions":
            return Endpoint("generate", "chat")
        if method == "POST" and path == "/v1/responses":
            return Endpoint("generate", "responses")
        return None

    def parse(self, endpoint: Endpoint, body: Any) -> ParsedCall:
        if not isinstance(body, dict):
            raise ProviderRequestError("the request body must be a JSON object")
        model = _require_model(body)
        stream = body.get("stream", False) is True
        if endpoint.api == "chat":
            messages = body.get("messages")
            if not isinstance(messages, list) or not messages:
                raise ProviderRequestError("'messages' must be a non-empty list")
            conversation: list[tuple[str, str]] = []
            for message in messages:
                if not isinstance(message, dict) or not isinstance(message.get("role"), str):
                    raise ProviderRequestError("each message must be an object with a string 'role'")
                conversation.append((message["role"], _text_of(message.get("content"))))
            options = body.get("stream_options")
            include_usage = isinstance(options, dict) and options.get("include_usage") is True
            return ParsedCall("chat", model, stream, conversation, include_usage)
        return ParsedCall("responses", model, stream, self._responses_conversation(body), True)

    @staticmethod
    def _responses_conversation(body: dict[str, Any]) -> list[tuple[str, str]]:
        conversation: list[tuple[str, str]] = []
        instructions = body.get("instructions")
        if isinstance(instructions, str) and instructions:
            conversation.append(("system", instructions))
        items = body.get("input")
        if isinstance(items, str):
            return [*conversation, ("user", items)]
        if not isinstance(items, list) or not items:
            raise ProviderRequestError("'input' must be a string or a non-empty list of input items")
        for item in items:
            if not isinstance(item, dict):
                raise ProviderRequestError("each input item must be an object")
            conversation.append((str(item.get("role", "user")), _text_of(item.get("content"))))
        return conversation

    def success_body(self, call: ParsedCall, text: str, usage: Usage, call_id: str) -> bytes:
        if call.api == "responses":
            return dump_json(self._response_object(call, text, usage, call_id))
        return dump_json(
            {
                "id": f"chatcmpl-{call_id}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": call.model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text, "refusal": None},
                        "logprobs": None,
                        "finish_reason": "stop",
                    }
                ],
                "usage": self._chat_usage(usage),
                "system_fingerprint": "fp_zen_fakes",
            }
        )

    def success_events(self, call: ParsedCall, chunks: list[str], usage: Usage, call_id: str) -> list[bytes]:
        if call.api == "responses":
            return self._response_events(call, chunks, usage, call_id)
        events = [self._chunk(call, call_id, {"role": "assistant", "content": ""}, None)]
        events += [self._chunk(call, call_id, {"content": piece}, None) for piece in chunks]
        events.append(self._chunk(call, call_id, {}, "stop"))
        if call.include_usage:
            events.append(self._chunk(call, call_id, None, None, usage=usage))
        events.append(sse_event(b"[DONE]"))
        return events

    def empty_body(self, call: ParsedCall, call_id: str) -> bytes:
        if call.api == "responses":
            payload = self._response_object(call, "", Usage(1, 0), call_id)
            payload["output"] = []
            return dump_json(payload)
        return dump_json(
            {
                "id": f"chatcmpl-{call_id}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": call.model,
                "choices": [],
                "usage": self._chat_usage(Usage(1, 0)),
            }
        )

    def empty_events(self, call: ParsedCall, call_id: str) -> list[bytes]:
        if call.api == "responses":
            return self._response_events(call, [], Usage(1, 0), call_id)
        return [self._chunk(call, call_id, None, None), sse_event(b"[DONE]")]

    def error_payload(self, status: int, message: str, retry_after_s: float | None) -> Any:
        kind, code = _ERROR_TYPES.get(
            status, ("server_error" if status >= 500 else "invalid_request_error", None)
        )
        return {"error": {"message": message, "type": kind, "param": None, "code": code}}

    def models_payload(self, models: list[str]) -> Any:
        return {
            "object": "list",
            "data": [
                {"id": m, "object": "model", "created": 1700000000, "owned_by": "zen-fakes"} for m in models
            ],
        }

    @staticmethod
    def _chat_usage(usage: Usage) -> dict[str, int]:
        return {
            "prompt_tokens": usage.prompt_tokens,
            "completion_tokens": usage.completion_tokens,
            "total_tokens": usage.total_tokens,
        }

    def _chunk(
        self,
        call: ParsedCall,
        call_id: str,
        delta: dict[str, Any] | None,
        finish: str | None,
        *,
        usage: Usage | None = None,
    ) -> bytes:
        choices = (
            [] if delta is None else [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]
        )
        payload: dict[str, Any] = {
            "id": f"chatcmpl-{call_id}",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": call.model,
            "choices": choices,
        }
        if usage is not None:
            payload["usage"] = self._chat_usage(usage)
        return sse_event(dump_json(payload))

    @staticmethod
    def _response_object(call: ParsedCall, text: str, usage: Usage, call_id: str) -> dict[str, Any]:
        return {
            "id": f"resp_{call_id}",
            "object": "response",
            "created_at": int(time.time()),
            "status": "completed",
            "model": call.model,
            "output": [
                {
                    "type": "message",
                    "id": f"msg_{call_id}",
                    "status": "completed",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": text, "annotations": []}],
                }
            ],
            "parallel_tool_calls": True,
            "tool_choice": "auto",
            "tools": [],
            "usage": {
                "input_tokens": usage.prompt_tokens,
                "input_tokens_details": {"cached_tokens": 0},
                "output_tokens": usage.completion_tokens,
                "output_tokens_details": {"reasoning_tokens": 0},
                "total_tokens": usage.total_tokens,
            },
        }

    def _response_events(
        self, call: ParsedCall, chunks: list[str], usage: Usage, call_id: str
    ) -> list[bytes]:
        text = "".join(chunks)
        final = self._response_object(call, text, usage, call_id)
        started = {**final, "status": "in_progress", "output": [], "usage": None}
        if not chunks:
            final["output"] = []
        payloads: list[dict[str, Any]] = [{"type": "response.created", "response": started}]
        common = {"item_id": f"msg_{call_id}", "output_index": 0, "content_index": 0, "logprobs": []}
        payloads += [{"type": "response.output_text.delta", **common, "delta": piece} for piece in chunks]
        if chunks:
            payloads.append({"type": "response.output_text.done", **common, "text": text})
        payloads.append({"type": "response.completed", "response": final})
        return [
            sse_event(dump_json({**payload, "sequence_number": index}), str(payload["type"]))
            for index, payload in enumerate(payloads)
        ]
