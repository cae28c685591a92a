"""The model catalog: which models exist, which are usable now, and how auto mode picks.

Data lives in ``models.json`` (one entry per provider and model); this module only reads
it and applies the settings:

* which providers exist, when one counts as *configured* and which variable restricts it
  (OPENAI_ALLOWED_MODELS, GOOGLE_ALLOWED_MODELS, ...) come from ``zen_server.provider_table``;
  restrictions list names or aliases, case-insensitively; a model is allowed when its name
  or any alias is listed;
* a name may exist on several providers (``gpt-5`` on OpenAI and Azure): resolution prefers
  native providers in :data:`PROVIDER_PRIORITY` order, as upstream does;
* the custom provider serves CUSTOM_MODEL_NAME, added on load when models.json lacks it;
  CUSTOM_MODELS_CONFIG_PATH (upstream's ``custom_models.json`` format) replaces its built-in
  models (``providers/custom_models.py``);
* with OpenRouter configured, a ``vendor/model`` name the catalog lacks is passed through
  to it with generic capabilities, as upstream does (restrictions still apply). So that
  clients cannot grow breakers and metric series without end, at most
  :data:`MAX_PASSTHROUGH_MODELS` distinct such names are taken per process.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

from zen_server.errors import ConfigurationError, UnknownModelError
from zen_server.provider_table import PROVIDER_PRIORITY, PROVIDERS, configured_providers, provider_entry
from zen_server.providers.custom_models import load_custom_models

if TYPE_CHECKING:
    from zen_server.config import Settings

# Tools whose work is light enough for a cheaper model in auto mode.
LIGHTWEIGHT_TOOLS = frozenset({"challenge", "apilookup", "listmodels", "version"})
LIGHTWEIGHT_MAX_SCORE = 12
# "vendor/model" with an optional ":variant" (OpenRouter's naming), bounded in length.
PASSTHROUGH_NAME = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}/[A-Za-z0-9][A-Za-z0-9._-]{0,127}(:[A-Za-z0-9._-]{1,32})?$"
)
MAX_PASSTHROUGH_MODELS = 100


@dataclass(frozen=True, slots=True)
class ModelSpec:
    name: str
    provider: str
    aliases: tuple[str, ...] = ()
    context_window: int = 32_768
    max_output_tokens: int = 8_192
    supports_images: bool = False
    supports_thinking: bool = False
    supports_temperature: bool = True
    intelligence_score: int = 10
    description: str = ""
    api_name: str = ""
    # "provider:name" references to the same model elsewhere, for fallback.
    equivalents: tuple[str, ...] = ()
    max_thinking_tokens: int = 0
    # OpenAI-style ``reasoning_effort`` is accepted (o-series, GPT-5).
    supports_reasoning_effort: bool = False
    # Served by the OpenAI Responses API (/responses), not Chat Completions (o3-pro, codex...).
    use_responses_api: bool = False
    # The effort sent when the call names no thinking mode (Responses models).
    default_reasoning_effort: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> str:
        return f"{self.provider}:{self.name}"

    @property
    def wire_name(self) -> str:
        return self.api_name or self.name

    def answers_to(self, name: str) -> bool:
        wanted = name.strip().lower()
        return wanted == self.name.lower() or wanted in (a.lower() for a in self.aliases)


def _spec_from_json(entry: dict[str, Any]) -> ModelSpec:
    known = set(ModelSpec.__dataclass_fields__) - {"extra"}
    values = {k: v for k, v in entry.items() if k in known}
    for name in ("aliases", "equivalents"):
        values[name] = tuple(values.get(name, ()))
    return ModelSpec(**values, extra={k: v for k, v in entry.items() if k not in known})


def load_builtin_specs() -> list[ModelSpec]:
    text = resources.files("zen_server.providers").joinpath("models.json").read_text("utf-8")
    return [_spec_from_json(entry) for entry in json.loads(text)["models"]]


class ModelCatalog:
    def __init__(
        self,
        specs: list[ModelSpec],
        configured: frozenset[str],
        restrictions: dict[str, frozenset[str]] | None = None,
        served: frozenset[str] = frozenset(),
    ) -> None:
        rank = {p: i for i, p in enumerate(PROVIDER_PRIORITY)}
        # Stable sort: provider priority first, data order within a provider.
        self._specs = sorted(specs, key=lambda s: rank.get(s.provider, len(rank)))
        self._configured = configured
        self._restrictions = restrictions or {}
        # Models a deployment of ZEN_DEPLOYMENTS serves (lower-cased names): usable whether or
        # not their provider's own variables are set.
        self._served = served
        self._passthrough: dict[str, ModelSpec] = {}  # lower-cased name -> generic OpenRouter spec

    @classmethod
    def from_settings(cls, settings: Settings, specs: list[ModelSpec] | None = None) -> ModelCatalog:
        specs = list(specs if specs is not None else load_builtin_specs())
        if settings.custom_models_config_path is not None:
            specs = [s for s in specs if s.provider != "custom"]
            loaded = load_custom_models(settings.custom_models_config_path)
            specs += [ModelSpec(**values) for values in loaded]
        custom = settings.custom_model_name.strip()
        if custom and not any(s.provider == "custom" and s.answers_to(custom) for s in specs):
            specs.append(
                ModelSpec(
                    name=custom,
                    provider="custom",
                    intelligence_score=8,
                    description=f"{custom} on the custom endpoint (CUSTOM_API_URL)",
                )
            )
        restrictions = {
            entry.name: allowed
            for entry in PROVIDERS
            if (allowed := settings.allowed_models_for(entry.name)) is not None
        }
        return cls(specs, frozenset(configured_providers(settings)), restrictions)

    # --- views ------------------------------------------------------------------------
    def all_models(self) -> list[ModelSpec]:
        return list(self._specs)

    def configured_providers(self) -> list[str]:
        return [p for p in PROVIDER_PRIORITY if p in self._configured]

    def is_allowed(self, spec: ModelSpec) -> bool:
        allowed = self._restrictions.get(spec.provider)
        if allowed is None:
            return True
        return spec.name.lower() in allowed or any(a.lower() in allowed for a in spec.aliases)

    def is_available(self, spec: ModelSpec) -> bool:
        served = spec.name.lower() in self._served
        return (spec.provider in self._configured or served) and self.is_allowed(spec)

    def with_served(self, names: frozenset[str]) -> ModelCatalog:
        """This catalog, with the models deployments serve (lower-cased names) usable too."""
        return ModelCatalog(self._specs, self._configured, self._restrictions, served=names)

    def available(self) -> list[ModelSpec]:
        return [s for s in self._specs if self.is_available(s)]

    def available_names(self) -> list[str]:
        """Distinct names a client may pass as ``model`` (for schemas and error messages)."""
        seen: dict[str, None] = {}
        for spec in self.available():
            seen.setdefault(spec.name, None)
        return list(seen)

    def spec_for(self, provider: str, name: str) -> ModelSpec | None:
        """The entry a provider serves under ``name`` (capability lookup), if any."""
        for spec in self._specs:
            if spec.provider == provider and spec.answers_to(name):
                return spec
        return self._passthrough.get(name.strip().lower()) if provider == "openrouter" else None

    # --- resolution ---------------------------------------------------------------------
    def resolve(self, name: str) -> ModelSpec:
        """The usable model called ``name`` (name or alias, case-insensitive)."""
        for spec in self._specs:
            if spec.answers_to(name) and self.is_available(spec):
                return spec
        known = [s for s in self._specs if s.answers_to(name)]
        if not known and (passed := self._passed_through(name)) is not None:
            return passed
        raise UnknownModelError(self._unknown_message(name, known))

    def _passed_through(self, name: str) -> ModelSpec | None:
        """A generic OpenRouter spec for a ``vendor/model`` name the catalog lacks, if allowed."""
        wanted = name.strip()
        if "openrouter" not in self._configured or not PASSTHROUGH_NAME.match(wanted):
            return None
        found = self._passthrough.get(wanted.lower())
        if found is not None:
            return found
        spec = ModelSpec(
            name=wanted,
            provider="openrouter",
            context_window=32_768,
            max_output_tokens=32_768,
            intelligence_score=9,
            description=f"{wanted} on OpenRouter (not in the catalog: generic capabilities)",
        )
        if not self.is_allowed(spec):
            return None
        if len(self._passthrough) >= MAX_PASSTHROUGH_MODELS:
            raise UnknownModelError(
                f"model '{wanted}' is not in the catalog and this server already passes "
                f"{MAX_PASSTHROUGH_MODELS} such OpenRouter models through; use one of those, or a "
                "catalog model (listmodels shows them)"
            )
        self._passthrough[wanted.lower()] = spec
        return spec

    def pick_auto(self, tool_name: str = "chat") -> ModelSpec:
        """DEFAULT_MODEL=auto: the most capable available model (cheaper for light tools)."""
        ranked = self.ranked()
        if not ranked:
            raise UnknownModelError(
                "no model is available: configure at least one provider (for example "
                "GEMINI_API_KEY, OPENAI_API_KEY, XAI_API_KEY, OPENROUTER_API_KEY or CUSTOM_API_URL)"
            )
        if tool_name.lower() in LIGHTWEIGHT_TOOLS:
            light = [s for s in ranked if s.intelligence_score <= LIGHTWEIGHT_MAX_SCORE]
            if light:
                return light[0]
        return ranked[0]

    def ranked(self) -> list[ModelSpec]:
        """Available models, best first (score, then provider priority)."""
        return sorted(self.available(), key=lambda s: -s.intelligence_score)

    def fallbacks_for(self, spec: ModelSpec) -> list[ModelSpec]:
        """The same model on other configured providers, in the order its entry lists them."""
        found: list[ModelSpec] = []
        for ref in spec.equivalents:
            provider, _, name = ref.partition(":")
            other = self.spec_for(provider, name)
            if (
                other is not None
                and other.provider != spec.provider
                and self.is_available(other)
                and other not in found
            ):
                found.append(other)
        return found

    def auto_fallbacks(self, spec: ModelSpec) -> list[ModelSpec]:
        """In auto mode any model will do: equivalents first, then the best of each other provider."""
        chain = self.fallbacks_for(spec)
        providers = {spec.provider, *(s.provider for s in chain)}
        for other in self.ranked():
            if other.provider not in providers:
                chain.append(other)
                providers.add(other.provider)
        return chain

    # --- start-up checks ------------------------------------------------------------------
    def provider_setup_hint(self) -> str:
        """What to set to configure a provider, for messages when none is."""
        return "set one of " + ", ".join(entry.how_to_enable for entry in PROVIDERS)

    def missing_providers_warning(self) -> str | None:
        """A warning when no provider is configured (every model call would fail), else None."""
        if self._configured:
            return None
        return (
            "no model provider is configured, so every tool that calls a model will fail: "
            + self.provider_setup_hint()
        )

    def check_default_model(self, name: str) -> str | None:
        """DEFAULT_MODEL at start: None when it can be served now; a ConfigurationError when no
        provider has a model by that name at all (no key could ever make it work); a warning
        when it is a known model whose provider is not configured or restricted. A warning,
        not an error: calls that name a model, listmodels and version still work, and an MCP
        client shows a server that explains itself better than one that died at launch. Keys
        are read once, so the warning holds until the server restarts with them."""
        if name.strip().lower() == "auto":
            return None
        known = [s for s in self._specs if s.answers_to(name)]
        if not known:
            names = ", ".join(dict.fromkeys(s.name for s in self._specs))
            raise ConfigurationError(f"DEFAULT_MODEL: unknown model {name!r}; use 'auto' or one of: {names}")
        if any(self.is_available(s) for s in known):
            return None
        why = self._why_unavailable(next((s for s in known if s.provider in self._configured), known[0]))
        return (
            f"DEFAULT_MODEL={name} cannot be served: {why}; calls that name no model will fail "
            "until the server is restarted with it"
        )

    def _why_unavailable(self, spec: ModelSpec) -> str:
        entry = provider_entry(spec.provider)
        if spec.provider not in self._configured:
            return f"its provider ({spec.provider}) is not configured: set {entry.how_to_enable}"
        return f"it is not allowed by {entry.allowed_models_variable or 'the restrictions'}"

    def _unknown_message(self, name: str, known: list[ModelSpec]) -> str:
        names = self.available_names()
        listing = ", ".join(names) if names else "none (no provider is configured)"
        how = "Pass one of these as 'model', or 'auto' to let the server choose."
        if known:
            why = self._why_unavailable(known[0])
            return f"model '{name}' is not available: {why}. Available models: {listing}. {how}"
        return f"model '{name}' is not known. Available models: {listing}. {how}"
