"""How threads and turns are written into Redis and read back, with a schema version.

Every record is JSON the store validates field by field on the way out of Redis, so a
key holding garbage, a record from another schema version or a half-understood field
becomes a :class:`ThreadUnreadableError` naming the problem, never a crash or a wrong
thread. Bump ``SCHEMA_VERSION`` whenever the layout changes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from zen_server.conversation.types import Thread, Turn
from zen_server.errors import ThreadUnreadableError

SCHEMA_VERSION = "1"
_ROLES = ("user", "assistant")


def encode_turn(turn: Turn) -> str:
    record = {
        "id": turn.turn_id,
        "role": turn.role,
        "content": turn.content,
        "tool": turn.tool_name,
        "ts": turn.timestamp,
        "files": list(turn.files),
        "images": list(turn.images),
        "provider": turn.provider,
        "model": turn.model,
    }
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def encode_state(state: Mapping[str, object]) -> str:
    # default=str: tool state is meant to be JSON-safe; anything else is kept as text, not lost.
    return json.dumps(dict(state), ensure_ascii=False, separators=(",", ":"), default=str)


def thread_record(thread: Thread, state_json: str, turn_jsons: Sequence[str]) -> dict[str, str]:
    """The hash fields of a new thread; ``bytes`` is what the per-thread cap counts."""
    return {
        "v": SCHEMA_VERSION,
        "tool": thread.tool_name,
        "created": repr(thread.created_at),
        "updated": repr(thread.last_updated_at),
        "parent": thread.parent_thread_id or "",
        "state": state_json,
        "bytes": str(len(state_json.encode()) + sum(len(t.encode()) for t in turn_jsons)),
    }


def decode_thread(thread_id: str, flat_record: Sequence[bytes], turn_blobs: Sequence[bytes]) -> Thread:
    """Rebuild a Thread from HGETALL's flat list and LRANGE's list; ThreadUnreadableError if corrupt."""
    try:
        record = {_text(flat_record[i]): _text(flat_record[i + 1]) for i in range(0, len(flat_record) - 1, 2)}
        version = record.get("v")
        if version != SCHEMA_VERSION:
            raise _Unreadable(
                f"it was stored with schema version {version!r}; this server reads {SCHEMA_VERSION!r}"
            )
        state = json.loads(record.get("state") or "{}")
        if not isinstance(state, dict):
            raise _Unreadable("its tool state is not a JSON object")
        turns = tuple(_decode_turn(_text(blob)) for blob in turn_blobs)
        return Thread(
            thread_id=thread_id,
            tool_name=_require_text(record, "tool"),
            created_at=float(_require_text(record, "created")),
            last_updated_at=float(_require_text(record, "updated")),
            turns=turns,
            parent_thread_id=record.get("parent") or None,
            state=state,
        )
    except _Unreadable as exc:
        raise unreadable(thread_id, str(exc)) from None
    except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
        raise unreadable(thread_id, f"{type(exc).__name__}: {exc}") from None


def unreadable(thread_id: str, why: str) -> ThreadUnreadableError:
    return ThreadUnreadableError(
        f"conversation {thread_id} is stored but cannot be read ({why}); nothing was changed. "
        "Start a new conversation without continuation_id"
    )


class _Unreadable(Exception):
    pass


def _text(value: bytes | str) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _require_text(record: Mapping[str, str], name: str) -> str:
    value = record.get(name)
    if not value:
        raise _Unreadable(f"its record lacks {name!r}")
    return value


def _decode_turn(blob: str) -> Turn:
    data: Any = json.loads(blob)
    if not isinstance(data, dict):
        raise _Unreadable("a turn is not a JSON object")
    role = data.get("role")
    if role not in _ROLES:
        raise _Unreadable(f"a turn has role {role!r}")
    content, tool, turn_id = data.get("content"), data.get("tool"), data.get("id")
    if not (isinstance(content, str) and isinstance(tool, str) and isinstance(turn_id, str)):
        raise _Unreadable("a turn lacks its content, tool or id")
    files, images = data.get("files", []), data.get("images", [])
    if not all(isinstance(x, str) for x in (*files, *images)):
        raise _Unreadable("a turn's files or images are not strings")
    provider, model = data.get("provider"), data.get("model")
    return Turn(
        role=role,
        content=content,
        tool_name=tool,
        timestamp=float(data["ts"]),
        turn_id=turn_id,
        files=tuple(files),
        images=tuple(images),
        provider=provider if isinstance(provider, str) else None,
        model=model if isinstance(model, str) else None,
    )


__all__ = ["SCHEMA_VERSION", "decode_thread", "encode_state", "encode_turn", "thread_record", "unreadable"]
