"""OpenRouter model names the catalog lacks are passed through, within restrictions and a bound."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from fakes.testing import FakeServer
from zen_server.config import Settings
from zen_server.errors import UnknownModelError
from zen_server.observability.events import RecordingObserver
from zen_server.providers.catalog import MAX_PASSTHROUGH_MODELS, ModelCatalog
from zen_server.providers.gateway import build_model_gateway
from zen_server.providers.types import ChatMessage, ModelRequest

MakeSettings = Callable[..., Settings]


@pytest.fixture
def catalog(make_settings: MakeSettings) -> ModelCatalog:
    return ModelCatalog.from_settings(make_settings(openrouter_api_key="or-key-123456"))


@pytest.mark.parametrize(
    "name", ["mistralai/mistral-large", "meta-llama/llama-4-maverick:free", "Qwen/Qwen3.5-72B"]
)
def test_a_vendor_model_name_is_passed_through_with_generic_capabilities(
    catalog: ModelCatalog, name: str
) -> None:
    spec = catalog.resolve(name)
    assert (spec.provider, spec.name, spec.wire_name) == ("openrouter", name, name)
    assert spec.context_window == 32_768 and spec.supports_temperature and not spec.use_responses_api
    assert catalog.spec_for("openrouter", name) is spec and catalog.resolve(name.upper()) is spec


def test_catalog_names_still_resolve_to_their_entries(catalog: ModelCatalog) -> None:
    assert (
        catalog.resolve("openai/gpt-5").description
        and catalog.resolve("opus").name == "anthropic/claude-opus-4.1"
    )


@pytest.mark.parametrize(
    "name", ["no-slash", "a/b c", "../etc/passwd", "a//b", "/leading", "a/b:", "x" * 70 + "/y"]
)
def test_names_that_are_not_vendor_slash_model_are_unknown(catalog: ModelCatalog, name: str) -> None:
    with pytest.raises(UnknownModelError, match="is not known"):
        catalog.resolve(name)


def test_without_openrouter_nothing_is_passed_through(make_settings: MakeSettings) -> None:
    catalog = ModelCatalog.from_settings(make_settings(openai_api_key="sk-only-openai-123"))
    with pytest.raises(UnknownModelError, match="'mistralai/mistral-large' is not known"):
        catalog.resolve("mistralai/mistral-large")


def test_openrouter_restrictions_apply_to_passed_through_names(make_settings: MakeSettings) -> None:
    settings = make_settings(
        openrouter_api_key="or-key-123456", openrouter_allowed_models="mistralai/mistral-large"
    )
    catalog = ModelCatalog.from_settings(settings)
    assert catalog.resolve("mistralai/mistral-large").provider == "openrouter"
    with pytest.raises(UnknownModelError):
        catalog.resolve("meta-llama/llama-4-maverick")


def test_distinct_passed_through_names_are_bounded(catalog: ModelCatalog) -> None:
    for index in range(MAX_PASSTHROUGH_MODELS):
        catalog.resolve(f"vendor/model-{index}")
    assert catalog.resolve("vendor/model-0").name == "vendor/model-0"  # a known one still resolves
    with pytest.raises(UnknownModelError, match=f"already passes {MAX_PASSTHROUGH_MODELS} such OpenRouter"):
        catalog.resolve("vendor/one-too-many")


async def test_the_gateway_sends_the_name_unchanged_to_openrouter(make_settings: MakeSettings) -> None:
    with FakeServer("openai") as fake:
        settings = make_settings(openrouter_api_key="or-key-123456", openrouter_base_url=fake.openai_base_url)
        catalog = ModelCatalog.from_settings(settings)
        gateway = build_model_gateway(settings, catalog, RecordingObserver())
        try:
            request = ModelRequest(
                model="mistralai/mistral-large:free", messages=(ChatMessage("user", "hi"),)
            )
            response = await gateway.generate(request)
        finally:
            await gateway.aclose()
        sent = fake.control.stats(bodies=1).recent[-1]
    assert (response.provider, response.model) == ("openrouter", "mistralai/mistral-large:free")
    assert sent["path"] == "/v1/chat/completions" and sent["body"]["model"] == "mistralai/mistral-large:free"
