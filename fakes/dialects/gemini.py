"""Google's Gemini wire format: /v1beta/models/{model}:generateContent and :streamGenerateContent."""

from __future__ import annotations

import re
from typing import Any

from fakes._errors import ProviderRequestError
from fakes.dialects.base import Endpoint, ParsedCall, sse_event
from fakes.reply import Usage
from fakes.script import dump_json

_PATH = re.compile(
    r"^/(v1beta|v1|v1alpha)/models/(?P<model>[^/:]+):(?P<action>generateContent|streamGenerateContent)$"
)
_LIST = re.compile(r"^/(v1beta|v1|v1alpha)/models$")

# HTTP status -> google.rpc status name, as Google's error bodies spell it.
_STATUS_NAMES: dict[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "NOT_IMPLEMENTED",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


def _parts_text(content: Any) -> str:
    if not isinstance(content, dict):
        raise ProviderRequestError("each content must be an object with 'parts'")
    parts = content.get("parts", [])
    if not isinstance(parts, list):
        raise ProviderRequestError("'parts' must be a list")
    texts = [part.get("text") for part in parts if isinstance(part, dict)]
    return "\n".join(text for text in texts if isinstance(text, str))


class GeminiDialect:
    """generateContent, streamGenerateContent (alt=sse or a JSON array) and the model list."""

    provider = "gemini"

    def match(self, method: str, path: str, query: dict[str, str]) -> Endpoint | None:
        path = path.rstrip("/")
        if method == "GET" and _LIST.match(path):
            return Endpoint("models", "models")
        found = _PATH.match(path)
        if method != "POST" or found is None:
            return None
        streaming = found["action"] == "streamGenerateContent"
        # Without alt=sse the real API streams one JSON array; both forms are served.
        api = "gemini-array" if streaming and query.get("alt") != "sse" else "gemini"
        return Endpoint("generate", api, model=found["model"], stream=streaming)

    def parse(self, endpoint: Endpoint, body: Any) -> ParsedCall:
        if not isinstance(body, dict):
            raise ProviderRequestError("the request body must be a JSON object")
        contents = body.get("contents")
        if not isinstance(contents, list) or not contents:
            raise ProviderRequestError("'contents' must be a non-empty list")
        conversation: list[tuple[str, str]] = []
        system = body.get("systemInstruction", body.get("system_instruction"))
        if system is not None:
            conversation.append(("system", _parts_text(system)))
        for content in contents:
            role = content.get("role", "user") if isinstance(content, dict) else None
            if not isinstance(role, str):
                raise ProviderRequestError("each content must be an object with a string 'role'")
            conversation.append(("assistant" if role == "model" else role, _parts_text(content)))
        assert endpoint.model is not None and endpoint.stream is not None
        return ParsedCall(endpoint.api, endpoint.model, endpoint.stream, conversation, True)

    def success_body(self, call: ParsedCall, text: str, usage: Usage, call_id: str) -> bytes:
        return dump_json(self._response(call, [{"text": text}], "STOP", usage, call_id))

    def success_events(self, call: ParsedCall, chunks: list[str], usage: Usage, call_id: str) -> list[bytes]:
        payloads = [self._response(call, [{"text": piece}], None, None, call_id) for piece in chunks]
        payloads[-1] = self._response(call, [{"text": chunks[-1]}], "STOP", usage, call_id)
        return self._frame(call, payloads)

    def empty_body(self, call: ParsedCall, call_id: str) -> bytes:
        return dump_json(self._empty(call, call_id))

    def empty_events(self, call: ParsedCall, call_id: str) -> list[bytes]:
        return self._frame(call, [self._empty(call, call_id)])

    def error_payload(self, status: int, message: str, retry_after_s: float | None) -> Any:
        error: dict[str, Any] = {
            "code": status,
            "message": message,
            "status": _STATUS_NAMES.get(status, "UNKNOWN"),
        }
        if retry_after_s is not None:
            error["details"] = [
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{retry_after_s:g}s"}
            ]
        return {"error": error}

    def models_payload(self, models: list[str]) -> Any:
        return {
            "models": [
                {
                    "name": f"models/{m}",
                    "version": "001",
                    "displayName": m,
                    "inputTokenLimit": 1048576,
                    "outputTokenLimit": 65536,
                    "supportedGenerationMethods": ["generateContent", "countTokens"],
                }
                for m in models
            ]
        }

    @staticmethod
    def _frame(call: ParsedCall, payloads: list[dict[str, Any]]) -> list[bytes]:
        if call.api == "gemini":
            return [sse_event(dump_json(p)).replace(b"\n", b"\r\n") for p in payloads]
        pieces = [dump_json(p) for p in payloads]
        framed = [b"[" + pieces[0]] + [b",\r\n" + piece for piece in pieces[1:]]
        framed[-1] += b"]"
        return framed

    @staticmethod
    def _empty(call: ParsedCall, call_id: str) -> dict[str, Any]:
        return {
            "candidates": [],
            "promptFeedback": {"blockReason": "OTHER"},
            "usageMetadata": {"promptTokenCount": 1, "totalTokenCount": 1},
            "modelVersion": call.model,
            "responseId": call_id,
        }

    @staticmethod
    def _response(
        call: ParsedCall, parts: list[dict[str, str]], finish: str | None, usage: Usage | None, call_id: str
    ) -> dict[str, Any]:
        candidate: dict[str, Any] = {"content": {"parts": parts, "role": "model"}, "index": 0}
        if finish:
            candidate["finishReason"] = finish
        payload: dict[str, Any] = {
            "candidates": [candidate],
            "modelVersion": call.model,
            "responseId": call_id,
        }
        if usage is not None:
            payload["usageMetadata"] = {
                "promptTokenCount": usage.prompt_tokens,
                "candidatesTokenCount": usage.completion_tokens,
                "totalTokenCount": usage.total_tokens,
            }
        return payload
