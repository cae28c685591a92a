"""Provider wire formats the fakes speak; `DIALECTS` maps a provider name to its dialect."""

from __future__ import annotations

from fakes.dialects.base import Dialect, Endpoint, ParsedCall
from fakes.dialects.gemini import GeminiDialect
from fakes.dialects.jules import JulesDialect
from fakes.dialects.openai import OpenAIDialect

DIALECTS: dict[str, Dialect] = {"openai": OpenAIDialect(), "gemini": GeminiDialect(), "jules": JulesDialect()}

__all__ = ["DIALECTS", "Dialect", "Endpoint", "GeminiDialect", "JulesDialect", "OpenAIDialect", "ParsedCall"]
