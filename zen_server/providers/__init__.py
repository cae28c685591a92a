"""Model providers: the catalog, the HTTP clients, and the gateway tools call.

Public names are re-exported here; the modules behind them may change freely.
"""

from zen_server.providers.catalog import ModelCatalog, ModelSpec, load_builtin_specs
from zen_server.providers.factory import build_providers, endpoint_for
from zen_server.providers.gateway import BreakerConfig, ModelGateway, build_model_gateway
from zen_server.providers.gemini import GeminiProvider
from zen_server.providers.openai_compatible import OpenAICompatibleProvider, OpenAIEndpoint
from zen_server.providers.types import (
    ChatMessage,
    ModelCaller,
    ModelRequest,
    ModelResponse,
    Provider,
    ResolvedCall,
    TokenUsage,
)

__all__ = [
    "BreakerConfig",
    "ChatMessage",
    "GeminiProvider",
    "ModelCaller",
    "ModelCatalog",
    "ModelGateway",
    "ModelRequest",
    "ModelResponse",
    "ModelSpec",
    "OpenAICompatibleProvider",
    "OpenAIEndpoint",
    "Provider",
    "ResolvedCall",
    "TokenUsage",
    "build_model_gateway",
    "build_providers",
    "endpoint_for",
    "load_builtin_specs",
]
