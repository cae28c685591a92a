"""The opt-in response cache: a memory tier, then (optionally) a Redis tier shared by instances.

Only complete answers are stored (:func:`cacheable`): an error never reaches here, and an
answer cut at the token limit, filtered, or ended for any reason but a normal stop is not
kept. A hit in Redis is copied into the memory tier. Entries expire after the TTL in both
tiers; the memory tier also keeps within its byte budget.
"""

from __future__ import annotations

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
    document: dict[str, Any] = {
        "text": response.text,
        "provider": response.provider,
        "model": response.model,
        "usage": [response.usage.input_tokens, response.usage.output_tokens],
        "finish_reason": response.finish_reason,
        "fell_back_from": list(response.fell_back_from),
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode(data: bytes) -> ModelResponse:
    document = json.loads(data)
    input_tokens, output_tokens = document["usage"]
    return ModelResponse(
        text=str(document["text"]),
        provider=str(document["provider"]),
        model=str(document["model"]),
        usage=TokenUsage(int(input_tokens), int(output_tokens)),
        finish_reason=document["finish_reason"],
        fell_back_from=tuple(str(p) for p in document["fell_back_from"]),
    )


class SharedTier(Protocol):
    """A tier behind the memory one (Redis); fails open: errors are misses, never raised."""

    stats: CacheStats

    async def get(self, key: str) -> bytes | None: ...

    async def put(self, key: str, data: bytes) -> None: ...

    async def aclose(self) -> None: ...


class ResponseCache:
    def __init__(self, max_bytes: int, ttl_s: float, shared: SharedTier | None = None) -> None:
        self.memory: ByteLRU[str, bytes] = ByteLRU(max_bytes, ttl_s=ttl_s)
        self.shared = shared
        self.ttl_s = ttl_s

    async def get(self, key: str) -> ModelResponse | None:
        data = self.memory.get(key)
        if data is None and self.shared is not None:
            data = await self.shared.get(key)
            if data is not None:
                self.memory.put(key, data, len(data))
        return decode(data) if data is not None else None

    async def put(self, key: str, response: ModelResponse) -> bool:
        """Store ``response`` if it is complete; True when it was stored."""
        if not cacheable(response):
            return False
        data = encode(response)
        self.memory.put(key, data, len(data))
        if self.shared is not None:
            await self.shared.put(key, data)
        return True

    async def aclose(self) -> None:
        if self.shared is not None:
            await self.shared.aclose()


__all__ = ["COMPLETE_FINISH_REASONS", "ResponseCache", "SharedTier", "cacheable", "decode", "encode"]
