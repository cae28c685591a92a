"""Request-body decoding with the answers Toxiproxy's Go JSON decoder gives.

Owns: parsing the first JSON value of a body (trailing bytes ignored, as Go's Decoder
does), case-insensitive field lookup (as encoding/json matches struct fields), and the
type checks whose failures Toxiproxy reports as ``bad request body: json: cannot
unmarshal ...``. Error texts keep Toxiproxy's prefixes; details after them are close to
Go's but not byte-identical for every malformed input.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from harness.errors import ToxiproxyBadRequest

BAD_BODY = "bad request body"
_MISSING = object()


def decode_body(body: bytes) -> object:
    """The first JSON value in ``body``; ``ToxiproxyBadRequest`` if there is none."""
    text = body.decode("utf-8", errors="replace")
    stripped = text.lstrip()
    if not stripped:
        raise ToxiproxyBadRequest(f"{BAD_BODY}: EOF")
    try:
        value, _ = json.JSONDecoder().raw_decode(stripped)
    except json.JSONDecodeError as exc:
        raise ToxiproxyBadRequest(f"{BAD_BODY}: {_go_syntax_error(exc)}") from None
    return value


def _go_syntax_error(exc: json.JSONDecodeError) -> str:
    if exc.pos >= len(exc.doc):
        return "unexpected EOF"
    char = exc.doc[exc.pos]
    context = _GO_CONTEXT.get(exc.msg, exc.msg[:1].lower() + exc.msg[1:])
    return f"invalid character {char!r} {context}"


# Python's json messages, said the way Go's decoder says them.
_GO_CONTEXT = {
    "Expecting value": "looking for beginning of value",
    "Expecting property name enclosed in double quotes": "looking for beginning of object key string",
    "Expecting ':' delimiter": "after object key",
    "Expecting ',' delimiter": "after object key:value pair",
    "Invalid control character at": "in string literal",
}


def _json_kind(value: object) -> str:
    """The JSON type name Go puts in unmarshal errors."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return f"number {value}" if isinstance(value, float) else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def type_error(value: object, where: str, go_type: str) -> ToxiproxyBadRequest:
    return ToxiproxyBadRequest(
        f"{BAD_BODY}: json: cannot unmarshal {_json_kind(value)} into Go {where} of type {go_type}"
    )


def require_object(value: object, go_type: str) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise type_error(value, "value", go_type)
    return value


def require_list(value: object, go_type: str) -> list[object]:
    if not isinstance(value, list):
        raise type_error(value, "value", go_type)
    return value


def lookup(obj: Mapping[str, object], key: str) -> object:
    """The field's value, matched exactly first then case-insensitively; _MISSING if absent.

    A JSON null leaves a Go field unchanged, so it counts as absent too.
    """
    value = obj[key] if key in obj else next((v for k, v in obj.items() if k.lower() == key), None)
    return _MISSING if value is None else value


def is_missing(value: object) -> bool:
    return value is _MISSING


def get_str(obj: Mapping[str, object], key: str, struct: str, default: str) -> str:
    value = lookup(obj, key)
    if is_missing(value):
        return default
    if not isinstance(value, str):
        raise type_error(value, f"struct field {struct}.{key}", "string")
    return value


def get_bool(obj: Mapping[str, object], key: str, struct: str, default: bool) -> bool:
    value = lookup(obj, key)
    if is_missing(value):
        return default
    if not isinstance(value, bool):
        raise type_error(value, f"struct field {struct}.{key}", "bool")
    return value


def get_float(obj: Mapping[str, object], key: str, struct: str, default: float) -> float:
    value = lookup(obj, key)
    if is_missing(value):
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise type_error(value, f"struct field {struct}.{key}", "float32")
    return float(value)


def get_int(obj: Mapping[str, object], key: str, struct: str, go_type: str) -> int | None:
    """An integer attribute, or None when absent; any JSON number with a '.' is refused, as in Go."""
    value = lookup(obj, key)
    if is_missing(value):
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise type_error(value, f"struct field {struct}.{key}", go_type)
    return value
