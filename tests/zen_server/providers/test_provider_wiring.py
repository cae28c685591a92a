"""Every configured provider gets the wire details its API needs, built from Settings."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pydantic import SecretStr

from zen_server.config import Settings
from zen_server.providers.catalog import ModelCatalog
from zen_server.providers.factory import build_providers, endpoint_for
from zen_server.providers.gemini import GeminiProvider
from zen_server.providers.openai_compatible import OpenAICompatibleProvider

MakeSettings = Callable[..., Settings]


def test_xai_uses_bearer_auth_at_its_configurable_base_url(make_settings: MakeSettings) -> None:
    settings = make_settings(xai_api_key=SecretStr(" xai-key "), xai_base_url="http://fake-xai.test/v1")
    endpoint = endpoint_for("xai", settings)
    assert (endpoint.base_url, endpoint.api_key, endpoint.auth_header) == (
        "http://fake-xai.test/v1",
        "xai-key",
        "bearer",
    )
    assert endpoint.url_for("grok-4") == "http://fake-xai.test/v1/chat/completions"


def test_dial_routes_by_deployment_with_its_own_key_header_and_api_version(
    make_settings: MakeSettings,
) -> None:
    settings = make_settings(dial_api_key=SecretStr("dial-key"), dial_api_host="http://dial.test")
    endpoint = endpoint_for("dial", settings)
    assert endpoint.auth_header == "Api-Key"
    assert endpoint.api_version == settings.dial_api_version
    assert endpoint.url_for("gpt-4o") == "http://dial.test/openai/deployments/gpt-4o/chat/completions"


def test_a_blank_key_counts_as_no_key(make_settings: MakeSettings) -> None:
    assert endpoint_for("custom", make_settings(custom_api_key=SecretStr("  "))).api_key is None


def test_a_provider_with_another_dialect_is_not_given_an_openai_endpoint() -> None:
    with pytest.raises(ValueError, match="gemini is not an OpenAI-compatible provider"):
        endpoint_for("gemini", Settings())


async def test_build_providers_gives_gemini_its_own_client_and_the_rest_openai_endpoints(
    make_settings: MakeSettings,
) -> None:
    settings = make_settings(gemini_api_key=SecretStr("g-key"), openai_api_key=SecretStr("o-key"))
    providers = build_providers(settings, ModelCatalog.from_settings(settings))
    try:
        assert set(providers) == {"gemini", "openai"}
        assert isinstance(providers["gemini"], GeminiProvider)
        openai = providers["openai"]
        assert isinstance(openai, OpenAICompatibleProvider)
        assert openai.endpoint.token_field == "max_completion_tokens"
    finally:
        for provider in providers.values():
            await provider.aclose()


def test_a_rate_limit_for_an_unknown_provider_is_refused_with_the_settings() -> None:
    from zen_server.config import load_settings
    from zen_server.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match=r"^ZEN_PROVIDER_RATE_LIMITS: unknown provider\(s\) opnai"):
        load_settings(zen_provider_rate_limits="opnai=5")
