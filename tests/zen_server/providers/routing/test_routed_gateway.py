"""The gateway with ZEN_DEPLOYMENTS, over HTTP (respx): every call goes through the router.

Wiring only (which endpoint, which key, failover, metadata, events); the policy itself is
pinned by test_router.py on a manual clock.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import respx

from zen_server.config import Settings
from zen_server.errors import ConfigurationError
from zen_server.observability.events import DeploymentAttempt, RecordingObserver
from zen_server.providers.catalog import ModelCatalog
from zen_server.providers.gateway import ModelGateway, build_model_gateway
from zen_server.providers.routing.clients import routed_catalog
from zen_server.providers.types import ChatMessage, ModelRequest
from zen_server.resilience.deadline import deadline_scope

MakeSettings = Callable[..., Settings]
OK = {"choices": [{"message": {"content": "answer"}, "finish_reason": "stop"}], "usage": {"total_tokens": 3}}

FILE = """
deployments:
  - {name: eu-1, kind: openai, base_url: "https://eu-1.test/v1", api_key_env: ZEN_TEST_EU_KEY,
     region: eu, models: [gpt-5]}
  - {name: us-1, kind: azure, base_url: "https://us-1.test", region: us, models: {gpt-5: gpt5-us}}
"""


def routed(
    make_settings: MakeSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **values: object
) -> tuple[ModelGateway, RecordingObserver]:
    monkeypatch.setenv("ZEN_TEST_EU_KEY", "sk-eu-secret-0000")
    path = tmp_path / "deployments.yaml"
    path.write_text(FILE)
    settings = make_settings(zen_deployments=path, zen_region="eu", **values)
    catalog, deployments = routed_catalog(settings, ModelCatalog.from_settings(settings))
    observer = RecordingObserver()
    return build_model_gateway(settings, catalog, observer, deployments), observer


async def ask(gateway: ModelGateway, model: str = "gpt-5") -> str | None:
    async with deadline_scope(5):
        response = await gateway.generate(
            ModelRequest(model=model, messages=(ChatMessage("user", "hi"),), allow_fallback=False)
        )
    return response.deployment


@respx.mock
async def test_the_local_deployment_answers_with_its_own_key_and_the_reply_names_it(
    make_settings: MakeSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway, observer = routed(make_settings, tmp_path, monkeypatch)
    eu = respx.post("https://eu-1.test/v1/chat/completions").respond(200, json=OK)
    us = respx.route(host="us-1.test").respond(200, json=OK)
    try:
        assert [await ask(gateway) for _ in range(5)] == ["eu-1"] * 5
    finally:
        await gateway.aclose()
    assert eu.call_count == 5 and us.call_count == 0
    assert eu.calls.last.request.headers["authorization"] == "Bearer sk-eu-secret-0000"
    attempts = observer.of_type(DeploymentAttempt)
    assert [(a.deployment, a.region, a.status) for a in attempts] == [("eu-1", "eu", "ok")] * 5  # type: ignore[union-attr]


@respx.mock
async def test_a_failing_deployment_fails_over_within_the_call_and_is_ejected(
    make_settings: MakeSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway, observer = routed(
        make_settings,
        tmp_path,
        monkeypatch,
        zen_ejection_consecutive_failures=2,
        zen_ejection_base_s=60.0,
        zen_ejection_max_s=120.0,
    )
    eu = respx.post("https://eu-1.test/v1/chat/completions").respond(503, json={"error": {"message": "down"}})
    us = respx.post("https://us-1.test/openai/deployments/gpt5-us/chat/completions").respond(200, json=OK)
    try:
        answered = [await ask(gateway) for _ in range(6)]
    finally:
        await gateway.aclose()
    assert answered == ["us-1"] * 6  # no failed call: each failure moved on to the other region
    assert eu.call_count == 2 and us.call_count == 6  # ejected: later calls go straight to us-1
    ejections = [a for a in observer.of_type(DeploymentAttempt) if a.ejected_for_s is not None]  # type: ignore[union-attr]
    assert [(e.deployment, e.ejected_for_s) for e in ejections] == [("eu-1", 60.0)]  # type: ignore[union-attr]


@respx.mock
async def test_a_429_with_retry_after_moves_traffic_away_at_once(
    make_settings: MakeSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway, _ = routed(make_settings, tmp_path, monkeypatch)
    eu = respx.post("https://eu-1.test/v1/chat/completions").mock(
        return_value=httpx.Response(
            429, headers={"retry-after": "30"}, json={"error": {"message": "slow down"}}
        )
    )
    respx.route(host="us-1.test").respond(200, json=OK)
    try:
        assert [await ask(gateway) for _ in range(4)] == ["us-1"] * 4
    finally:
        await gateway.aclose()
    assert eu.call_count == 1


def test_a_model_the_catalog_lacks_stops_the_start_naming_file_entry_and_field(
    make_settings: MakeSettings, tmp_path: Path
) -> None:
    path = tmp_path / "deployments.yaml"
    path.write_text(
        "deployments:\n  - {name: x, kind: openai, base_url: 'https://x.test', models: [no-such-model]}\n"
    )
    settings = make_settings(zen_deployments=path)
    with pytest.raises(ConfigurationError) as caught:
        routed_catalog(settings, ModelCatalog.from_settings(settings))
    assert str(caught.value) == (
        f"ZEN_DEPLOYMENTS: {path}: deployments[0] (x): models: 'no-such-model' is not a model of the catalog "
        "(listmodels shows them; custom models go in CUSTOM_MODELS_CONFIG_PATH)"
    )


def test_served_models_are_usable_without_their_providers_own_key(
    make_settings: MakeSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZEN_TEST_EU_KEY", "sk-eu-secret-0000")
    path = tmp_path / "deployments.yaml"
    path.write_text(FILE)
    settings = make_settings(zen_deployments=path)
    plain = ModelCatalog.from_settings(settings)
    catalog, _ = routed_catalog(settings, plain)
    assert "gpt-5" not in plain.available_names() and "gpt-5" in catalog.available_names()
    assert "sk-eu-secret-0000" in settings.secrets()  # redacted from logs like any key
