"""The Jules REST API's wire format (v1alpha): routes, request checks, Google error bodies.

    GET  /v1alpha/sources                          sources.list
    GET  /v1alpha/sessions                         sessions.list
    POST /v1alpha/sessions                         sessions.create   {prompt, sourceContext, ...}
    GET  /v1alpha/sessions/{id}                    sessions.get
    GET  /v1alpha/sessions/{id}/activities         activities.list   ?pageSize=N
    POST /v1alpha/sessions/{id}:sendMessage        sessions.sendMessage  {prompt}
    POST /v1alpha/sessions/{id}:approvePlan        sessions.approvePlan
    POST /v1alpha/sessions/{id}:archive            sessions.archive
    POST /v1alpha/sessions/{id}:unarchive          sessions.unarchive

The operation name stands where the model fakes put a model name: behaviours, faults and
statistics are per operation (``models: {"sessions.create": {...}}``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fakes._errors import ProviderRequestError
from fakes.dialects.base import Endpoint, ParsedCall
from fakes.reply import Usage
from fakes.script import dump_json

PREFIX = "/v1alpha"
OPERATIONS = (
    "sources.list",
    "sessions.list",
    "sessions.create",
    "sessions.get",
    "activities.list",
    "sessions.sendMessage",
    "sessions.approvePlan",
    "sessions.archive",
    "sessions.unarchive",
)
_SESSION = re.compile(r"^/v1alpha/sessions/([^/:]+)(/activities|:[A-Za-z]+)?$")
_VERBS = {
    ":sendMessage": "sessions.sendMessage",
    ":approvePlan": "sessions.approvePlan",
    ":archive": "sessions.archive",
    ":unarchive": "sessions.unarchive",
}
_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


@dataclass(frozen=True)
class JulesEndpoint(Endpoint):
    session_id: str | None = None


@dataclass(frozen=True)
class JulesCall(ParsedCall):
    """One Jules operation: which, on which session, with what body."""

    session_id: str | None = None
    body: Mapping[str, Any] = field(default_factory=dict)
    page_size: int = 30


class JulesDialect:
    provider = "jules"

    def match(self, method: str, path: str, query: dict[str, str]) -> Endpoint | None:
        path = path.rstrip("/")
        if path == f"{PREFIX}/sources" and method == "GET":
            return JulesEndpoint("generate", "sources.list")
        if path == f"{PREFIX}/sessions":
            if method in ("GET", "POST"):
                return JulesEndpoint("generate", "sessions.list" if method == "GET" else "sessions.create")
            return None
        found = _SESSION.match(path)
        if found is None:
            return None
        session_id, tail = found.group(1), found.group(2)
        if tail is None and method == "GET":
            return JulesEndpoint("generate", "sessions.get", session_id=session_id)
        if tail == "/activities" and method == "GET":
            return JulesEndpoint("generate", "activities.list", session_id=session_id)
        if tail in _VERBS and method == "POST":
            return JulesEndpoint("generate", _VERBS[tail], session_id=session_id)
        return None

    def parse(self, endpoint: Endpoint, body: Any) -> ParsedCall:
        """A JulesCall; ProviderRequestError (400) when the body is not what the operation takes."""
        operation = endpoint.api
        session_id = endpoint.session_id if isinstance(endpoint, JulesEndpoint) else None
        data: Mapping[str, Any] = {}
        if body is not None:
            if not isinstance(body, dict):
                raise ProviderRequestError("the request body must be a JSON object")
            data = body
        if operation == "sessions.create":
            _require_text(data, "prompt")
            context = data.get("sourceContext")
            if not isinstance(context, dict) or not isinstance(context.get("source"), str):
                raise ProviderRequestError("sourceContext.source is required (a name from GET /sources)")
        elif operation == "sessions.sendMessage":
            _require_text(data, "prompt")
        elif operation in ("sessions.approvePlan", "sessions.archive", "sessions.unarchive") and data:
            raise ProviderRequestError(f"the body of {operation} must be empty")
        prompt = str(data.get("prompt", ""))
        return JulesCall(operation, operation, False, [("user", prompt)], session_id=session_id, body=data)

    def success_body(self, call: ParsedCall, text: str, usage: Usage, call_id: str) -> bytes:
        return dump_json({})  # the engine answers from its sessions, not from here

    def success_events(self, call: ParsedCall, chunks: list[str], usage: Usage, call_id: str) -> list[bytes]:
        return []  # Jules does not stream

    def empty_body(self, call: ParsedCall, call_id: str) -> bytes:
        return dump_json({})

    def empty_events(self, call: ParsedCall, call_id: str) -> list[bytes]:
        return []

    def error_payload(self, status: int, message: str, retry_after_s: float | None) -> Any:
        error: dict[str, Any] = {
            "code": status,
            "message": message,
            "status": _STATUS_NAMES.get(status, "INTERNAL" if status >= 500 else "INVALID_ARGUMENT"),
        }
        if retry_after_s is not None:
            error["details"] = [
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{retry_after_s:g}s"}
            ]
        return {"error": error}

    def models_payload(self, models: list[str]) -> Any:
        return {"operations": models}


def _require_text(data: Mapping[str, Any], name: str) -> None:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ProviderRequestError(f"'{name}' is required and must be a non-empty string")


__all__ = ["OPERATIONS", "PREFIX", "JulesCall", "JulesDialect", "JulesEndpoint"]
