from __future__ import annotations

from collections.abc import Callable

import pytest

from zen_server.config import Settings
from zen_server.errors import ConfigurationError, UnknownModelError
from zen_server.providers.catalog import ModelCatalog, load_builtin_specs

MakeSettings = Callable[..., Settings]


def test_builtin_catalog_entries_are_well_formed() -> None:
    specs = load_builtin_specs()
    keys = [s.key for s in specs]
    assert len(keys) == len(set(keys))
    providers = {s.provider for s in specs}
    assert {"openai", "gemini", "xai", "openrouter", "azure", "dial", "custom"} <= providers
    for spec in specs:
        assert 1 <= spec.intelligence_score <= 20
        assert spec.context_window > 0 and spec.max_output_tokens > 0
        for ref in spec.equivalents:
            provider, _, name = ref.partition(":")
            assert any(s.provider == provider and s.name == name for s in specs), ref


def test_resolve_accepts_alias_case_insensitively(catalog: ModelCatalog) -> None:
    assert catalog.resolve("PRO").name == "gemini-2.5-pro"
    assert catalog.resolve("flash").name == "gemini-2.5-flash"
    assert catalog.resolve("GPT-5").provider == "openai"


def test_unknown_model_error_lists_available_models_and_how_to_pick(catalog: ModelCatalog) -> None:
    with pytest.raises(UnknownModelError) as info:
        catalog.resolve("gpt-99")
    message = str(info.value)
    assert "gpt-99" in message and "gemini-2.5-pro" in message and "'auto'" in message


def test_model_of_unconfigured_provider_names_the_missing_variable(catalog: ModelCatalog) -> None:
    with pytest.raises(UnknownModelError, match="XAI_API_KEY"):
        catalog.resolve("grok-4")


def test_available_only_lists_configured_providers(make_settings: MakeSettings) -> None:
    catalog = ModelCatalog.from_settings(make_settings(xai_api_key="xai-key"))
    assert {s.provider for s in catalog.available()} == {"xai"}
    assert catalog.configured_providers() == ["xai"]


def test_azure_needs_key_and_endpoint(make_settings: MakeSettings) -> None:
    assert ModelCatalog.from_settings(make_settings(azure_openai_api_key="k")).configured_providers() == []
    both = make_settings(azure_openai_api_key="k", azure_openai_endpoint="https://x.openai.azure.com")
    assert ModelCatalog.from_settings(both).configured_providers() == ["azure"]


def test_restrictions_accept_names_or_aliases(make_settings: MakeSettings) -> None:
    settings = make_settings(openai_api_key="k", openai_allowed_models="o3, mini", gemini_api_key="g")
    catalog = ModelCatalog.from_settings(settings)
    openai = {s.name for s in catalog.available() if s.provider == "openai"}
    assert openai == {"o3", "gpt-5-mini"}
    with pytest.raises(UnknownModelError, match="OPENAI_ALLOWED_MODELS"):
        catalog.resolve("gpt-5")
    assert any(s.provider == "gemini" for s in catalog.available())  # other providers untouched


def test_custom_provider_serves_custom_model_name_without_key(make_settings: MakeSettings) -> None:
    settings = make_settings(custom_api_url="http://localhost:11434/v1", custom_model_name="qwen2.5-coder")
    catalog = ModelCatalog.from_settings(settings)
    spec = catalog.resolve("qwen2.5-coder")
    assert spec.provider == "custom"
    assert catalog.configured_providers() == ["custom"]


def test_pick_auto_prefers_highest_intelligence(catalog: ModelCatalog) -> None:
    # OpenAI's score-20 Responses models outrank gemini-2.5-pro (18), as in upstream's catalog.
    assert catalog.pick_auto("thinkdeep").name == "gpt-6-astra"


def test_pick_auto_allows_cheaper_model_for_lightweight_tools(catalog: ModelCatalog) -> None:
    spec = catalog.pick_auto("challenge")
    assert spec.intelligence_score <= 12
    assert spec.intelligence_score < catalog.pick_auto("codereview").intelligence_score


def test_pick_auto_without_providers_says_what_to_configure(make_settings: MakeSettings) -> None:
    with pytest.raises(UnknownModelError, match="GEMINI_API_KEY"):
        ModelCatalog.from_settings(make_settings()).pick_auto("chat")


def test_native_provider_wins_a_shared_name(make_settings: MakeSettings) -> None:
    settings = make_settings(
        openai_api_key="k", azure_openai_api_key="a", azure_openai_endpoint="https://x.openai.azure.com"
    )
    catalog = ModelCatalog.from_settings(settings)
    spec = catalog.resolve("gpt-5")
    assert spec.provider == "openai"
    assert [s.provider for s in catalog.fallbacks_for(spec)] == ["azure"]


def test_fallbacks_only_include_available_other_providers(catalog: ModelCatalog) -> None:
    gpt5 = catalog.resolve("gpt-5")
    assert catalog.fallbacks_for(gpt5) == []  # azure/openrouter/dial not configured
    chain = catalog.auto_fallbacks(gpt5)
    assert [s.provider for s in chain] == ["gemini"]


def test_default_model_check_at_start(catalog: ModelCatalog, make_settings: MakeSettings) -> None:
    assert catalog.check_default_model("auto") is None
    assert catalog.check_default_model("pro") is None  # gemini is configured
    # A known model whose provider has no key: a warning naming the key, not an error.
    warning = catalog.check_default_model("grok-4")
    assert warning is not None
    assert warning.startswith("DEFAULT_MODEL=grok-4 cannot be served: its provider (xai) is not configured")
    assert "set XAI_API_KEY" in warning
    restricted = ModelCatalog.from_settings(
        make_settings(openai_api_key="sk-test-openai-key-123456", openai_allowed_models="o3")
    )
    assert "not allowed by OPENAI_ALLOWED_MODELS" in str(restricted.check_default_model("gpt-5"))
    # A name no provider has: no key could make it work.
    with pytest.raises(
        ConfigurationError, match=r"^DEFAULT_MODEL: unknown model 'gpt-9'; use 'auto' or one of"
    ):
        catalog.check_default_model("gpt-9")


def test_no_configured_provider_is_a_warning_naming_the_variables(make_settings: MakeSettings) -> None:
    empty = ModelCatalog.from_settings(make_settings())
    warning = empty.missing_providers_warning()
    assert warning is not None and warning.startswith("no model provider is configured")
    for variable in ("GEMINI_API_KEY", "OPENAI_API_KEY", "OPENROUTER_API_KEY", "CUSTOM_API_URL"):
        assert variable in warning
    assert (
        ModelCatalog.from_settings(make_settings(xai_api_key="xai-key-123456")).missing_providers_warning()
        is None
    )
