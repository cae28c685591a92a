"""Settings: upstream names, derived views, and errors that name the variable."""

from __future__ import annotations

import pytest

from zen_server.config import Settings, load_settings, mask_url_password, split_csv
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
    settings = Settings(zen_tool_deadlines="Chat=30, consensus=90", zen_provider_rate_limits="openai=5")
    assert settings.zen_tool_deadlines == {"chat": 30.0, "consensus": 90.0}  # parsed once, at start
    assert settings.deadline_for("chat") == 30
    assert settings.deadline_for("consensus") == 90
    assert settings.deadline_for("thinkdeep") == settings.zen_tool_deadline_s
    assert settings.rate_limit_for("openai") == 5
    assert settings.rate_limit_for("gemini") is None


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("ZEN_TOOL_DEADLINES", "chat:60", "entry 'chat:60' is not tool=seconds"),
        ("ZEN_TOOL_DEADLINES", "chat=soon", "'soon' is not a number"),
        ("ZEN_TOOL_DEADLINES", "chat=60,consensus=0", "seconds must be a positive number"),
        ("ZEN_TOOL_DEADLINES", "chat=60,chat=90", "tool 'chat' is given twice"),
        ("ZEN_TOOL_DEADLINES", "=60", "is not tool=seconds"),
        ("ZEN_PROVIDER_RATE_LIMITS", "openai:5", "entry 'openai:5' is not provider=requests_per_second"),
        ("ZEN_PROVIDER_RATE_LIMITS", "openai=nan", "requests_per_second must be a positive number"),
        ("LOG_LEVEL", "verbose", "'verbose' is not a log level; use one of DEBUG, INFO, WARNING"),
        ("DEFAULT_THINKING_MODE_THINKDEEP", "huge", "'huge' is not one of 'minimal'"),
        ("MAX_CONCURRENT_REQUESTS", "many", "valid integer"),
    ],
)
def test_a_bad_value_is_one_clean_line_naming_the_variable_at_load_time(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, says: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError) as info:
        load_settings()  # at start: not at the first call that reads the value
    message = str(info.value)
    assert message.startswith(f"{variable}: "), message
    assert says in message
    assert "\n" not in message and "Value error" not in message and "pydantic" not in message
    assert info.value.__cause__ is None and info.value.__suppress_context__  # no chained report


def test_log_level_is_case_insensitive() -> None:
    assert Settings(log_level="debug").log_level == "DEBUG"


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


def test_distributed_mode_is_accepted_with_a_redis_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISTRIBUTED_MODE", "true")
    monkeypatch.setenv("REDIS_URL", "rediss://:s3cret@redis.internal:6380/2")
    settings = load_settings()
    assert settings.distributed_mode and settings.redis_url.startswith("rediss://")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://:s3cret@127.0.0.1:6379/0", "is not a Redis URL"),
        ("redis://:s3cret@127.0.0.1:notaport/0", "bad port"),
        ("redis://:s3cret@/0", "names no host"),
        ("redis://:s3cret@127.0.0.1:6379/zero", "is not a number"),
    ],
)
def test_a_malformed_redis_url_is_refused_naming_the_problem_without_its_password(
    monkeypatch: pytest.MonkeyPatch, url: str, problem: str
) -> None:
    monkeypatch.setenv("REDIS_URL", url)
    with pytest.raises(ConfigurationError, match=problem) as caught:
        load_settings()
    assert "REDIS_URL" in str(caught.value)
    assert "s3cret" not in str(caught.value)


def test_mask_url_password_hides_only_the_password() -> None:
    assert mask_url_password("redis://user:pw@host:6379/1") == "redis://user:***@host:6379/1"
    assert mask_url_password("redis://:pw@host/0") == "redis://:***@host/0"
    assert mask_url_password("redis://host:6379/0") == "redis://host:6379/0"
