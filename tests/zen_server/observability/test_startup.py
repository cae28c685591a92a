"""startup_event: the configuration, minus every secret."""

from __future__ import annotations

from pydantic import SecretStr

from zen_server.config import Settings
from zen_server.observability.startup import _without_userinfo, startup_event


def test_startup_detail_names_providers_but_never_their_keys() -> None:
    settings = Settings(
        openai_api_key=SecretStr("sk-startup-secret-123456"),
        custom_api_url="http://127.0.0.1:11434/v1",
        zen_auth_token=SecretStr("bearer-token-abcdef"),
    )
    event = startup_event(settings, transport="http")
    assert event.kind == "startup"
    assert event.detail["providers"] == ["openai", "custom"]
    assert event.detail["redis_url"] is None  # only recorded in distributed mode
    assert event.detail["auth_required"] is True
    assert event.detail["transport"] == "http"
    text = repr(event.detail)
    for secret in settings.secrets():
        assert secret not in text


def test_redis_url_loses_its_password_before_it_is_recorded() -> None:
    assert _without_userinfo("redis://:redispass@10.0.0.5:6379/0") == "redis://10.0.0.5:6379/0"
    assert _without_userinfo("redis://user:pw@host/1") == "redis://host/1"
    assert _without_userinfo("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
