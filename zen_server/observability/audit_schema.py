"""The audit log's line schema (JSON Schema, draft 2020-12), version 1.

Owns :data:`AUDIT_SCHEMA`. docs/observability.md shows the same schema; a test checks the
two are equal, so the documentation cannot drift from what the server writes.
"""

from __future__ import annotations

from typing import Any

SCHEMA_VERSION = 1

_NULLABLE_STRING: dict[str, Any] = {"type": ["string", "null"]}


def _kind(name: str, required: list[str]) -> dict[str, Any]:
    return {"if": {"properties": {"kind": {"const": name}}}, "then": {"required": required}}


AUDIT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "zen_server audit line",
    "type": "object",
    "additionalProperties": False,
    "required": ["v", "ts", "kind"],
    "properties": {
        "v": {"const": SCHEMA_VERSION},
        "ts": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"},
        "kind": {
            "enum": [
                "tool_call",
                "breaker_transition",
                "fallback",
                "rejection",
                "eviction",
                "startup",
                "shutdown",
                "memory_pressure",
                "store_unavailable",
                "store_recovered",
            ]
        },
        "request_id": _NULLABLE_STRING,
        "session_id": _NULLABLE_STRING,
        "continuation_id": _NULLABLE_STRING,
        "tool": _NULLABLE_STRING,
        "provider": _NULLABLE_STRING,
        "model": _NULLABLE_STRING,
        "outcome": {"enum": ["success", "error", "rejected", "deadline", "cancelled"]},
        "duration_ms": {"type": "number", "minimum": 0},
        "tokens": {
            "type": "object",
            "additionalProperties": False,
            "required": ["input", "output"],
            "properties": {
                "input": {"type": "integer", "minimum": 0},
                "output": {"type": "integer", "minimum": 0},
            },
        },
        "arguments_sha256": {"type": "string", "pattern": "^([0-9a-f]{64})?$"},
        "error": {
            "type": ["object", "null"],
            "additionalProperties": False,
            "required": ["type", "message"],
            "properties": {"type": {"type": "string"}, "message": {"type": "string", "maxLength": 500}},
        },
        "cached": {"type": "boolean"},
        "key": {"type": "string"},
        "from_state": {"enum": ["closed", "open", "half_open"]},
        "to_state": {"enum": ["closed", "open", "half_open"]},
        "from_provider": {"type": "string"},
        "to_provider": {"type": "string"},
        "reason": {"type": "string"},
        "count": {"type": "integer", "minimum": 0},
        "thread_ids": {"type": "array", "items": {"type": "string"}, "maxItems": 50},
        "detail": {"type": "object"},
    },
    "allOf": [
        _kind(
            "tool_call",
            [
                "request_id",
                "session_id",
                "tool",
                "provider",
                "model",
                "outcome",
                "duration_ms",
                "tokens",
                "arguments_sha256",
                "error",
            ],
        ),
        _kind("breaker_transition", ["key", "from_state", "to_state", "reason"]),
        _kind("fallback", ["from_provider", "to_provider", "model", "reason"]),
        _kind("rejection", ["reason", "tool", "session_id"]),
        _kind("eviction", ["reason", "count", "thread_ids"]),
        _kind("startup", ["detail"]),
        _kind("shutdown", ["detail"]),
        _kind("memory_pressure", ["detail"]),
        _kind("store_unavailable", ["detail"]),
        _kind("store_recovered", ["detail"]),
    ],
}
