"""The values that cross the provider boundary, and the Provider protocol.

A tool builds a :class:`ModelRequest`; the gateway routes it to a :class:`Provider`
through the resilience layer; the provider returns a :class:`ModelResponse` or raises a
:class:`~zen_server.errors.ProviderError` subclass (transient or permanent). Providers
never retry and never sleep: one call is one HTTP attempt, bounded by ``timeout``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

Role = Literal["system", "user", "assistant"]
ThinkingMode = Literal["minimal", "low", "medium", "high", "max"]


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Role
    content: str
    # Images as data: URLs or absolute paths already validated by the tool layer.
    images: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ModelRequest:
    """What a tool asks of a model. ``model`` may be a name, an alias, or "auto"."""

    model: str
    messages: tuple[ChatMessage, ...]
    temperature: float | None = None
    thinking_mode: ThinkingMode | None = None
    max_output_tokens: int | None = None
    # Which tool asks: the router uses it to pick a model in auto mode.
    tool_name: str = "chat"
    # Whether the router may answer from another provider when this one fails.
    allow_fallback: bool = True
    # The tool resolved "auto" to ``model`` itself: fall back as auto mode does (any
    # provider's best model), not only to the catalog's equivalents of ``model``.
    auto_selected: bool = False


@dataclass(frozen=True, slots=True)
class TokenUsage:
    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens


@dataclass(frozen=True, slots=True)
class ModelResponse:
    text: str
    provider: str  # provider name that answered, e.g. "openai", "gemini", "custom"
    model: str  # canonical model name that answered
    usage: TokenUsage = field(default_factory=TokenUsage)
    finish_reason: str | None = None
    # Providers tried before this one answered (fallback), in order; empty when none.
    fell_back_from: tuple[str, ...] = ()
    # Served from the response cache (zen_server.cache), not by a provider call just now.
    cached: bool = False
    # With ZEN_DEPLOYMENTS: the deployment that answered and its region.
    deployment: str | None = None
    region: str | None = None


@dataclass(frozen=True, slots=True)
class ResolvedCall:
    """One concrete attempt target: the provider and the provider-side model name."""

    provider: str
    model: str  # canonical catalog name
    api_model: str  # the name sent on the wire (may differ, e.g. Azure deployment)


@runtime_checkable
class Provider(Protocol):
    """One model API. Implementations: OpenAICompatibleProvider, GeminiProvider."""

    @property
    def name(self) -> str: ...

    async def generate(self, request: ModelRequest, target: ResolvedCall, *, timeout: float) -> ModelResponse:
        """One HTTP attempt, no retries, finished or failed within ``timeout`` seconds.

        Raises TransientProviderError (connect error, timeout, 429, 5xx, overloaded, truncated
        or malformed body) or PermanentProviderError (4xx other than 429, unknown model,
        context too long, refused content).
        """
        ...

    async def aclose(self) -> None: ...


class ModelCaller(Protocol):
    """What tools see of the model layer: route, resilience, fallback, all hidden."""

    async def generate(self, request: ModelRequest) -> ModelResponse:
        """Answer the request within the current call's deadline (see resilience.deadline)."""
        ...
