"""OpenAICompatibleProvider: one async client for every Chat Completions style API.

Serves OpenAI, X.AI, OpenRouter, Azure OpenAI, DIAL and custom endpoints (Ollama, vLLM,
LM Studio): they differ only in the :class:`OpenAIEndpoint` data (base URL, auth header,
deployments path, api-version query, extra headers, name of the token limit field).

One :meth:`generate` is one non-streaming ``POST .../chat/completions`` (``.../responses``
for the models the catalog marks ``use_responses_api``, see
:mod:`~zen_server.providers.openai_responses`); no retries, no
sleeps, bounded by ``timeout`` (see :mod:`zen_server.providers.http` for the timeout and
error semantics). Per the catalog entry: ``temperature`` is left out for models that do not
accept it (o-series, GPT-5), ``reasoning_effort`` is sent from ``thinking_mode`` where
supported, images are sent only to models that take them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from zen_server.errors import PermanentProviderError, TransientProviderError
from zen_server.providers.catalog import ModelCatalog, ModelSpec
from zen_server.providers.http import make_client, post_json, token_count
from zen_server.providers.images import data_url, load_image
from zen_server.providers.openai_responses import REASONING_EFFORT, parse_responses_answer, responses_body
from zen_server.providers.types import ModelRequest, ModelResponse, ResolvedCall, TokenUsage


@dataclass(frozen=True, slots=True)
class OpenAIEndpoint:
    provider: str
    base_url: str
    api_key: str | None = None
    # "bearer": Authorization: Bearer; "api-key": Azure's api-key header; "Api-Key" for DIAL.
    auth_header: Literal["bearer", "api-key", "Api-Key"] = "bearer"
    # Azure / DIAL route by deployment: {base}/openai/deployments/{model}/chat/completions
    deployments: bool = False
    api_version: str | None = None
    token_field: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
    extra_headers: Mapping[str, str] = field(default_factory=dict)

    def url_for(self, api_model: str, *, responses: bool = False) -> str:
        base = self.base_url.rstrip("/")
        if self.deployments:
            return f"{base}/openai/deployments/{api_model}/chat/completions"
        return f"{base}/responses" if responses else f"{base}/chat/completions"

    def headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json", **self.extra_headers}
        if self.api_key:
            if self.auth_header == "bearer":
                headers["Authorization"] = f"Bearer {self.api_key}"
            else:
                headers[self.auth_header] = self.api_key
        return headers


class OpenAICompatibleProvider:
    def __init__(
        self,
        endpoint: OpenAIEndpoint,
        *,
        catalog: ModelCatalog | None = None,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 300.0,
        max_connections: int = 64,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._endpoint = endpoint
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
        return self._endpoint.provider

    @property
    def endpoint(self) -> OpenAIEndpoint:
        return self._endpoint

    async def aclose(self) -> None:
        await self._client.aclose()

    async def generate(self, request: ModelRequest, target: ResolvedCall, *, timeout: float) -> ModelResponse:
        spec = self._catalog.spec_for(self.name, target.model) if self._catalog else None
        endpoint = self._endpoint
        # Deployment-routed APIs (Azure, DIAL) serve such models through chat completions.
        responses = spec is not None and spec.use_responses_api and not endpoint.deployments
        if responses:
            body = await responses_body(request, target, spec)
        else:
            body = await self.build_body(request, target, spec)
        data = await post_json(
            self._client,
            endpoint.url_for(target.api_model, responses=responses),
            body=body,
            headers=endpoint.headers(),
            params={"api-version": endpoint.api_version} if endpoint.api_version else None,
            timeout_s=timeout,
            connect_timeout_s=self._connect_timeout_s,
            read_timeout_s=self._read_timeout_s,
            provider=self.name,
            model=target.model,
            secrets=(endpoint.api_key,) if endpoint.api_key else (),
        )
        if responses:
            return parse_responses_answer(self.name, data, target)
        return self.parse_answer(data, target)

    async def build_body(
        self, request: ModelRequest, target: ResolvedCall, spec: ModelSpec | None
    ) -> dict[str, Any]:
        images_ok = spec is None or spec.supports_images
        messages: list[dict[str, Any]] = []
        for message in request.messages:
            if message.images and images_ok and message.role == "user":
                parts: list[dict[str, Any]] = [{"type": "text", "text": message.content}]
                for ref in message.images:
                    mime, data = load_image(ref)
                    parts.append({"type": "image_url", "image_url": {"url": data_url(mime, data)}})
                messages.append({"role": message.role, "content": parts})
            else:
                messages.append({"role": message.role, "content": message.content})
        body: dict[str, Any] = {"model": target.api_model, "messages": messages, "stream": False}
        if request.temperature is not None and (spec is None or spec.supports_temperature):
            body["temperature"] = request.temperature
        if request.max_output_tokens is not None:
            limit = request.max_output_tokens
            if spec is not None:
                limit = min(limit, spec.max_output_tokens)
            body[self._endpoint.token_field] = limit
        if request.thinking_mode and spec is not None and spec.supports_reasoning_effort:
            body["reasoning_effort"] = REASONING_EFFORT[request.thinking_mode]
        return body

    def parse_answer(self, data: Mapping[str, Any], target: ResolvedCall) -> ModelResponse:
        where = f"{self.name} model {target.model}"
        choices = data.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise TransientProviderError(
                f"{where}: the answer has no choices", provider=self.name, model=target.model
            )
        choice = choices[0]
        finish = choice.get("finish_reason")
        raw_message = choice.get("message")
        message: Mapping[str, Any] = raw_message if isinstance(raw_message, dict) else {}
        content = message.get("content") if message else None
        if isinstance(content, list):  # some servers return content parts
            content = "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
        if finish == "content_filter" or (message and message.get("refusal") and not content):
            raise PermanentProviderError(
                f"{where}: the provider refused to answer (content filter)",
                provider=self.name,
                model=target.model,
            )
        if not isinstance(content, str) or not content:
            raise TransientProviderError(
                f"{where}: the answer is empty (finish_reason={finish!r})",
                provider=self.name,
                model=target.model,
            )
        raw_usage = data.get("usage")
        usage: Mapping[str, Any] = raw_usage if isinstance(raw_usage, dict) else {}
        return ModelResponse(
            text=content,
            provider=self.name,
            model=target.model,
            usage=TokenUsage(
                input_tokens=token_count(usage.get("prompt_tokens")),
                output_tokens=token_count(usage.get("completion_tokens")),
            ),
            finish_reason=str(finish) if finish is not None else None,
        )
