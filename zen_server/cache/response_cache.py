"""The opt-in response cache: a memory tier, then (optionally) a Redis tier shared by instances.

Only complete answers are stored (:func:`cacheable`): an error never reaches here, and an
answer cut at the token limit, filtered, or ended for any reason but a normal stop is not
kept. A hit in Redis is copied into the memory tier. Entries expire after the TTL in both
tiers; the memory tier also keeps within its byte budget.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Protocol

from zen_server.cache.lru import ByteLRU, CacheStats
from zen_server.providers.types import ModelResponse, TokenUsage

# How providers say "the answer ended normally" (OpenAI, Gemini, Anthropic-style, Responses API).
COMPLETE_FINISH_REASONS = frozenset({"stop", "finishreason.stop", "end_turn", "completed"})


def cacheable(response: ModelResponse) -> bool:
    """A complete answer: text, and a finish reason that says it ended normally."""
    finish = (response.finish_reason or "").strip().lower()
    return bool(response.text.strip()) and finish in COMPLETE_FINISH_REASONS


def encode(response: ModelResponse) -> bytes:
    """Every field but ``cached`` as JSON, found by walking the dataclass (a new field is kept too)."""
    document: dict[str, Any] = {}
    for item in dataclasses.fields(response):
        value = getattr(response, item.name)
        if item.name == "cached":
            continue
        if isinstance(value, TokenUsage):
            value = [value.input_tokens, value.output_tokens]
        elif isinstance(value, tuple):
            value = list(value)
        document[item.name] = value
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode(data: bytes) -> ModelResponse:
    document: dict[str, Any] = json.loads(data)
    input_tokens, output_tokens = document.pop("usage")
    known = {item.name for item in dataclasses.fields(ModelResponse)}
    values = {name: value for name, value in document.items() if name in known}
    values["fell_back_from"] = tuple(str(p) for p in values.get("fell_back_from", ()))
    return ModelResponse(usage=TokenUsage(int(input_tokens), int(output_tokens)), **values)


def entry_size(data: bytes) -> int:
    """Bytes an answer holds in memory: its text as a str (up to 4 bytes a character for
    non-Latin text, so counted at twice the UTF-8 length) and the object around it."""
    return 2 * len(data) + 300


class SharedTier(Protocol):
    """A tier behind the memory one (Redis); fails open: errors are misses, never raised."""

    stats: CacheStats

    async def get(self, key: str) -> bytes | None: ...

    async def put(self, key: str, data: bytes) -> None: ...

    async def aclose(self) -> None: ...


class ResponseCache:
    def __init__(self, max_bytes: int, ttl_s: float, shared: SharedTier | None = None) -> None:
        # Decoded answers in memory (a hit parses nothing); Redis holds their JSON.
        self.memory: ByteLRU[str, ModelResponse] = ByteLRU(max_bytes, ttl_s=ttl_s)
        self.shared = shared
        self.ttl_s = ttl_s

    async def get(self, key: str) -> ModelResponse | None:
        found = self.memory.get(key)
        if found is None and self.shared is not None:
            data = await self.shared.get(key)
            if data is not None:
                found = decode(data)
                self.memory.put(key, found, entry_size(data))
        return found

    async def put(self, key: str, response: ModelResponse) -> bool:
        """Store ``response`` if it is complete; True when it was stored."""
        if not cacheable(response):
            return False
        data = encode(response)
        self.memory.put(key, response, entry_size(data))
        if self.shared is not None:
            await self.shared.put(key, data)
        return True

    async def aclose(self) -> None:
        if self.shared is not None:
            await self.shared.aclose()


__all__ = [
    "COMPLETE_FINISH_REASONS",
    "ResponseCache",
    "SharedTier",
    "cacheable",
    "decode",
    "encode",
    "entry_size",
]
