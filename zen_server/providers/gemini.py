"""GeminiProvider: Google's native generateContent API, async on httpx.

One :meth:`generate` is one ``POST {GEMINI_BASE_URL}/v1beta/models/{model}:generateContent``
with the key in the ``x-goog-api-key`` header (never in the URL, so it cannot leak into
logs). System messages become ``systemInstruction``; user/assistant turns become
``contents`` with roles ``user``/``model``; ``generationConfig`` carries temperature,
maxOutputTokens and, for thinking-capable models, ``thinkingConfig.thinkingBudget`` as a
share of the model's thinking budget chosen by ``thinking_mode``.

A blocked prompt or a candidate stopped for safety is a PermanentProviderError; an answer
without candidates or text is transient. Timeouts and HTTP errors: see providers.http.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from zen_server.errors import PermanentProviderError, TransientProviderError
from zen_server.providers.catalog import ModelCatalog, ModelSpec
from zen_server.providers.http import make_client, post_json, token_count
from zen_server.providers.images import load_image
from zen_server.providers.types import ModelRequest, ModelResponse, ResolvedCall, TokenUsage

# Share of max_thinking_tokens spent per thinking mode.
THINKING_SHARE = {"minimal": 0.005, "low": 0.08, "medium": 0.33, "high": 0.67, "max": 1.0}
BLOCKED_FINISH = frozenset({"SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION"})


class GeminiProvider:
    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = "https://generativelanguage.googleapis.com",
        catalog: ModelCatalog | None = None,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 300.0,
        max_connections: int = 64,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._api_key = api_key
        self._base_url = base_url.rstrip("/")
        self._catalog = catalog
        self._connect_timeout_s = connect_timeout_s
        self._read_timeout_s = read_timeout_s
        self._client = client or make_client(
            max_connections=max_connections,
            connect_timeout_s=connect_timeout_s,
            read_timeout_s=read_timeout_s,
        )

    @property
    def name(self) -> str:
        return "gemini"

    async def aclose(self) -> None:
        await self._client.aclose()

    def url_for(self, api_model: str) -> str:
        return f"{self._base_url}/v1beta/models/{api_model}:generateContent"

    async def generate(self, request: ModelRequest, target: ResolvedCall, *, timeout: float) -> ModelResponse:
        spec = self._catalog.spec_for(self.name, target.model) if self._catalog else None
        data = await post_json(
            self._client,
            self.url_for(target.api_model),
            body=await self.build_body(request, spec),
            headers={"x-goog-api-key": self._api_key, "Content-Type": "application/json"},
            timeout_s=timeout,
            connect_timeout_s=self._connect_timeout_s,
            read_timeout_s=self._read_timeout_s,
            provider=self.name,
            model=target.model,
            secrets=(self._api_key,),
        )
        return self.parse_answer(data, target)

    async def build_body(self, request: ModelRequest, spec: ModelSpec | None) -> dict[str, Any]:
        system = [m.content for m in request.messages if m.role == "system"]
        contents: list[dict[str, Any]] = []
        images_ok = spec is None or spec.supports_images
        for message in request.messages:
            if message.role == "system":
                continue
            parts: list[dict[str, Any]] = [{"text": message.content}]
            if images_ok and message.role == "user":
                for ref in message.images:
                    mime, data = load_image(ref)
                    parts.append({"inlineData": {"mimeType": mime, "data": data}})
            contents.append({"role": "model" if message.role == "assistant" else "user", "parts": parts})
        config: dict[str, Any] = {}
        if request.temperature is not None and (spec is None or spec.supports_temperature):
            config["temperature"] = request.temperature
        if request.max_output_tokens is not None:
            cap = spec.max_output_tokens if spec else request.max_output_tokens
            config["maxOutputTokens"] = min(request.max_output_tokens, cap)
        if request.thinking_mode and spec is not None and spec.supports_thinking and spec.max_thinking_tokens:
            budget = int(spec.max_thinking_tokens * THINKING_SHARE[request.thinking_mode])
            config["thinkingConfig"] = {"thinkingBudget": max(1, budget)}
        body: dict[str, Any] = {"contents": contents}
        if system:
            body["systemInstruction"] = {"parts": [{"text": "\n\n".join(system)}]}
        if config:
            body["generationConfig"] = config
        return body

    def parse_answer(self, data: Mapping[str, Any], target: ResolvedCall) -> ModelResponse:
        where = f"{self.name} model {target.model}"
        feedback = data.get("promptFeedback")
        if isinstance(feedback, dict) and feedback.get("blockReason"):
            raise PermanentProviderError(
                f"{where}: the prompt was blocked ({feedback['blockReason']})",
                provider=self.name,
                model=target.model,
            )
        candidates = data.get("candidates")
        if not isinstance(candidates, list) or not candidates or not isinstance(candidates[0], dict):
            raise TransientProviderError(
                f"{where}: the answer has no candidates", provider=self.name, model=target.model
            )
        candidate = candidates[0]
        finish = candidate.get("finishReason")
        content = candidate.get("content")
        raw_parts = content.get("parts") if isinstance(content, dict) else None
        parts = raw_parts if isinstance(raw_parts, list) else []
        # Thought summaries are not part of the answer.
        text = "".join(str(p.get("text", "")) for p in parts if isinstance(p, dict) and not p.get("thought"))
        if not text and finish in BLOCKED_FINISH:
            raise PermanentProviderError(
                f"{where}: the answer was blocked ({finish})", provider=self.name, model=target.model
            )
        if not text:
            raise TransientProviderError(
                f"{where}: the answer is empty (finishReason={finish!r})",
                provider=self.name,
                model=target.model,
            )
        raw_usage = data.get("usageMetadata")
        usage: Mapping[str, Any] = raw_usage if isinstance(raw_usage, dict) else {}
        return ModelResponse(
            text=text,
            provider=self.name,
            model=target.model,
            usage=TokenUsage(
                input_tokens=token_count(usage.get("promptTokenCount")),
                output_tokens=token_count(usage.get("candidatesTokenCount")),
            ),
            finish_reason=str(finish) if finish is not None else None,
        )
