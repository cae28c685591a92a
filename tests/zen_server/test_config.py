"""Settings: upstream names, derived views, and errors that name the variable."""

from __future__ import annotations

import pytest

from zen_server.config import Settings, load_settings, split_csv
from zen_server.errors import ConfigurationError


def test_split_csv_drops_blanks_and_whitespace() -> None:
    assert split_csv(" a, b,,c ,") == ("a", "b", "c")
    assert split_csv(None) == ()


def test_upstream_variable_names_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEFAULT_MODEL", "flash")
    monkeypatch.setenv("DISABLED_TOOLS", "Chat, thinkdeep")
    monkeypatch.setenv("MAX_CONVERSATION_TURNS", "7")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-123")
    settings = load_settings()
    assert settings.default_model == "flash"
    assert not settings.auto_mode
    assert settings.disabled_tool_names == frozenset({"chat", "thinkdeep"})
    assert settings.max_conversation_turns == 7
    assert "sk-test-123" in settings.secrets()


def test_invalid_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_CONCURRENT_REQUESTS", "many")
    with pytest.raises(ConfigurationError, match="MAX_CONCURRENT_REQUESTS"):
        load_settings()


def test_per_tool_deadline_and_rate_limits() -> None:
    settings = Settings(zen_tool_deadlines="chat=30, consensus=90", zen_provider_rate_limits="openai=5")
    assert settings.deadline_for("chat") == 30
    assert settings.deadline_for("consensus") == 90
    assert settings.deadline_for("thinkdeep") == settings.zen_tool_deadline_s
    assert settings.rate_limit_for("openai") == 5
    assert settings.rate_limit_for("gemini") is None


def test_malformed_per_tool_deadline_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="ZEN_TOOL_DEADLINES"):
        Settings(zen_tool_deadlines="chat=soon").deadline_for("chat")


def test_allowed_models_map_upstream_restriction_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_ALLOWED_MODELS", "flash, Pro")
    settings = load_settings()
    assert settings.allowed_models_for("gemini") == frozenset({"flash", "pro"})
    assert settings.allowed_models_for("openai") is None


def test_store_budget_is_a_share_of_the_memory_limit() -> None:
    settings = Settings(memory_limit_mb=1000, zen_store_memory_share=0.5)
    assert settings.store_byte_budget == 500 * 1024 * 1024


def test_session_limit_defaults_to_half_the_global_limit() -> None:
    assert Settings(max_concurrent_requests=10).session_max_in_flight == 5
    assert Settings(max_concurrent_requests=10, zen_session_max_in_flight=3).session_max_in_flight == 3


def test_distributed_mode_is_refused_until_the_redis_store_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISTRIBUTED_MODE", "true")
    with pytest.raises(ConfigurationError, match="DISTRIBUTED_MODE"):
        load_settings()
