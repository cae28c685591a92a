"""The ModelCaller tools see: the response cache and single-flight in front of the gateway.

For one ``generate(request)``: resolve the target the gateway would try first, build the
key (``response_key``), answer from the response cache when it is on and holds the key,
else join an identical call in flight or make the call; a complete answer from the model
the key names is stored (one a fallback model gave is not). The
conversation turn is recorded by the executor as for any answer, so a cached reply
continues a thread like a fresh one. ``cached=True`` marks a reply served from cache.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from zen_server.cache.lru import CacheStats
from zen_server.cache.response_cache import ResponseCache
from zen_server.cache.response_key import response_key
from zen_server.cache.single_flight import SingleFlight
from zen_server.providers.types import ModelCaller, ModelRequest, ModelResponse, ResolvedCall


class CachingModelCaller:
    def __init__(
        self,
        inner: ModelCaller,
        target_for: Callable[[ModelRequest], ResolvedCall],
        *,
        cache: ResponseCache | None = None,
        single_flight: bool = True,
    ) -> None:
        self._inner = inner
        self._target_for = target_for
        self.cache = cache
        self.flights: SingleFlight[ModelResponse] | None = (
            SingleFlight(CacheStats()) if single_flight else None
        )
        # Response cache hits and misses per asking tool (a bounded set: the registry's tools).
        self.by_tool: dict[str, list[int]] = {}

    async def generate(self, request: ModelRequest) -> ModelResponse:
        if self.cache is None and self.flights is None:
            return await self._inner.generate(request)  # both off: no key to build (a full hash)
        target = self._target_for(request)
        key = response_key(request, target)
        if self.cache is not None:
            hit = await self.cache.get(key)
            counts = self.by_tool.setdefault(request.tool_name, [0, 0])
            counts[0 if hit is not None else 1] += 1
            if hit is not None:
                return dataclasses.replace(hit, cached=True)
        if self.flights is None:
            return await self._call(request, target, key)
        response, _joined = await self.flights.run(key, lambda: self._call(request, target, key))
        return response

    async def _call(self, request: ModelRequest, target: ResolvedCall, key: str) -> ModelResponse:
        response = await self._inner.generate(request)
        # An answer from a fallback model is not the key's model's answer: passed on, not kept.
        answered_as_keyed = (response.provider, response.model) == (target.provider, target.model)
        if self.cache is not None and answered_as_keyed:
            await self.cache.put(key, response)
        return response

    async def aclose(self) -> None:
        if self.cache is not None:
            await self.cache.aclose()


__all__ = ["CachingModelCaller"]
