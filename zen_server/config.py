"""Every setting of zen_server, read once from the environment.

Upstream Zen MCP Server variable names are kept where upstream has them, so an existing
``.env`` or client configuration works unchanged. The hardening knobs use the improvement
plan's names (MAX_CONCURRENT_REQUESTS, MEMORY_LIMIT_MB, DISTRIBUTED_MODE, REDIS_URL) or a
``ZEN_`` prefix. Each field's name is its environment variable, lower-cased.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError

from zen_server.deployment_keys import key_variables
from zen_server.errors import ConfigurationError
from zen_server.provider_table import PROVIDERS, setting_value

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
REDIS_SCHEMES = ("redis", "rediss", "unix")


def mask_url_password(url: str) -> str:
    """``url`` with its password (if any) replaced by ``***``: safe to print, log or audit."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    userinfo, host = parts.netloc.rsplit("@", 1)
    user, has_password, _ = userinfo.partition(":")
    masked = f"{user}:***" if has_password else (userinfo if not userinfo else "***")
    return urlunsplit((parts.scheme, f"{masked}@{host}", parts.path, parts.query, parts.fragment))


# ``name=number`` maps read from one variable: parsed here, never by hand at the point of use.
NumberMap = Annotated[dict[str, float], NoDecode]


def split_csv(raw: str | None) -> tuple[str, ...]:
    """``"a, b,,c"`` -> ``("a", "b", "c")``; upstream lists are comma separated."""
    if not raw:
        return ()
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def parse_number_map(raw: object, *, key: str, value: str, example: str) -> dict[str, float]:
    """``"chat=60, consensus=180"`` -> ``{"chat": 60.0, "consensus": 180.0}`` (names lower-cased).

    Every entry must be ``name=number`` with a positive, finite number and a name given once;
    the error says which entry is wrong and shows ``example``.
    """
    if raw is None or raw == "":
        return {}
    if isinstance(raw, Mapping):
        items = [f"{k}={v}" for k, v in raw.items()]
    elif isinstance(raw, str):
        items = [part.strip() for part in raw.split(",") if part.strip()]
    else:
        raise ValueError(f"expected {key}={value} pairs such as {example!r}")
    parsed: dict[str, float] = {}
    for item in items:
        name, sep, number = (part.strip() for part in item.partition("="))
        if not sep or not name or not number:
            raise ValueError(f"entry {item!r} is not {key}={value} (for example {example!r})")
        try:
            amount = float(number)
        except ValueError:
            raise ValueError(
                f"entry {item!r}: {number!r} is not a number (for example {example!r})"
            ) from None
        if not math.isfinite(amount) or amount <= 0:
            raise ValueError(f"entry {item!r}: {value} must be a positive number")
        if name.lower() in parsed:
            raise ValueError(f"{key} {name!r} is given twice")
        parsed[name.lower()] = amount
    return parsed


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=None, case_sensitive=False, extra="ignore", frozen=True, populate_by_name=True
    )

    # --- providers (upstream names) ---------------------------------------------------
    openai_api_key: SecretStr | None = None
    openai_base_url: str = "https://api.openai.com/v1"
    openai_allowed_models: str | None = None
    gemini_api_key: SecretStr | None = None
    gemini_base_url: str = "https://generativelanguage.googleapis.com"
    google_allowed_models: str | None = None
    xai_api_key: SecretStr | None = None
    xai_base_url: str = "https://api.x.ai/v1"
    xai_allowed_models: str | None = None
    openrouter_api_key: SecretStr | None = None
    openrouter_base_url: str = "https://openrouter.ai/api/v1"
    openrouter_allowed_models: str | None = None
    azure_openai_api_key: SecretStr | None = None
    azure_openai_endpoint: str | None = None
    azure_openai_api_version: str = "2025-04-01-preview"
    azure_openai_allowed_models: str | None = None
    dial_api_key: SecretStr | None = None
    dial_api_host: str = "https://core.dialx.ai"
    dial_api_version: str = "2024-12-01-preview"
    dial_allowed_models: str | None = None
    custom_api_url: str | None = None
    custom_api_key: SecretStr | None = None
    custom_model_name: str = "llama3.2"
    custom_models_config_path: Path | None = None  # upstream's custom_models.json format

    # --- external agents (upstream names) ----------------------------------------------
    cli_clients_config_path: Path | None = None  # clink: a client JSON file or a folder of them
    jules_api_key: SecretStr | None = None
    jules_base_url: str = "https://jules.googleapis.com/v1alpha"

    # --- behaviour (upstream names) ---------------------------------------------------
    default_model: str = "auto"
    disabled_tools: str | None = None
    max_conversation_turns: int = Field(default=50, ge=1, le=1000)
    conversation_timeout_hours: float = Field(default=3.0, gt=0)
    default_thinking_mode_thinkdeep: Literal["minimal", "low", "medium", "high", "max"] = "high"
    locale: str | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"

    # --- hardening knobs (the plan's names) -------------------------------------------
    max_concurrent_requests: int = Field(default=100, ge=1)
    max_queued_requests: int = Field(default=200, ge=0)
    max_queue_wait_s: float = Field(default=5.0, ge=0)
    memory_limit_mb: int = Field(default=2048, ge=64)
    distributed_mode: bool = False
    redis_url: str = "redis://127.0.0.1:6379/0"

    # --- zen_server's own ---------------------------------------------------------------
    zen_auth_token: SecretStr | None = None
    zen_metrics_token: SecretStr | None = None  # opens /metrics alone, for a scraper
    zen_allowed_origins: str | None = None
    zen_ops_port: int | None = Field(default=None, ge=0, le=65535)
    zen_audit_log: Path | None = None
    zen_audit_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    zen_audit_backups: int = Field(default=5, ge=0)
    zen_tool_deadline_s: float = Field(default=120.0, gt=0)
    zen_tool_deadlines: NumberMap = Field(default_factory=dict)  # per tool: "chat=60,consensus=180"
    zen_connect_timeout_s: float = Field(default=5.0, gt=0)
    zen_read_timeout_s: float = Field(default=300.0, gt=0)
    zen_provider_max_in_flight: int | None = Field(default=None, ge=1)
    zen_provider_rate_limits: NumberMap = Field(default_factory=dict)  # requests/s: "openai=20,gemini=5"
    zen_retry_max_attempts: int = Field(default=3, ge=1)
    zen_retry_budget_ratio: float = Field(default=0.2, ge=0)
    zen_breaker_failure_rate: float = Field(default=0.5, gt=0, le=1)
    zen_breaker_min_calls: int = Field(default=20, ge=1)
    zen_breaker_window_s: float = Field(default=30.0, gt=0)
    zen_breaker_window_calls: int = Field(default=100, ge=1)
    zen_breaker_consecutive_failures: int = Field(default=12, ge=0)
    zen_breaker_open_s: float = Field(default=5.0, gt=0)
    zen_breaker_max_open_s: float = Field(default=60.0, gt=0)
    zen_breaker_half_open_probes: int = Field(default=1, ge=1)
    zen_store_max_threads: int = Field(default=10_000, ge=1)
    zen_store_memory_share: float = Field(default=0.25, gt=0, le=1)
    zen_allowed_roots: str | None = None  # comma separated dirs; unset = anywhere the deny list allows
    zen_file_io_threads: int = Field(default=4, ge=1, le=64)
    zen_file_read_timeout_s: float = Field(default=10.0, gt=0)
    zen_file_cache_mb: int = Field(default=64, ge=0, le=65536)  # 0 turns the file content cache off
    zen_max_image_mb: int = Field(default=20, ge=1, le=100)
    zen_http_max_sessions: int = Field(default=1000, ge=1)
    zen_http_sessions_per_client: int = Field(default=32, ge=1)
    zen_http_session_idle_s: float = Field(default=1800.0, gt=0)
    zen_http_unused_session_s: float = Field(default=60.0, gt=0)
    zen_http_header_timeout_s: float = Field(default=10.0, gt=0)
    zen_http_body_timeout_s: float = Field(default=30.0, gt=0)
    # SIGTERM (or stdin EOF): how long in-flight calls may take to finish before the exit.
    zen_drain_timeout_s: float = Field(default=30.0, ge=0)
    zen_redis_prefix: str = Field(default="zen:", min_length=1, max_length=64)
    zen_redis_op_timeout_s: float = Field(default=1.0, gt=0, le=30)  # each Redis operation, per attempt
    zen_redis_max_connections: int = Field(default=64, ge=1)
    zen_store_max_turn_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)  # Redis store: one turn
    zen_store_max_thread_bytes: int = Field(default=32 * 1024 * 1024, ge=1024)  # Redis store: one thread
    # Caching (README "Caching"): the response cache is off unless asked for.
    zen_response_cache: Literal["off", "memory", "redis"] = "off"
    zen_response_cache_ttl_s: float = Field(default=3600.0, gt=0, le=30 * 86400)
    zen_response_cache_mb: int = Field(default=64, ge=1, le=65536)
    zen_response_cache_redis_timeout_s: float = Field(default=0.1, gt=0, le=5)
    zen_single_flight: bool = True
    zen_session_max_in_flight: int | None = Field(default=None, ge=1)
    # clink: bytes of stdout (and of stderr) kept from a CLI; beyond it the CLI is stopped.
    zen_clink_max_output_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    # Routing across deployments (zen_server/providers/routing): the file, strategy, region.
    zen_deployments: Path | None = None
    zen_routing: Literal["lowest_latency", "peak_ewma", "least_request", "weighted_shuffle"] = (
        "lowest_latency"
    )
    zen_region: str | None = None
    zen_ejection_consecutive_failures: int = Field(default=5, ge=0)
    zen_ejection_base_s: float = Field(default=2.0, gt=0)
    zen_ejection_max_s: float = Field(default=30.0, gt=0)
    zen_ejection_max_percent: float = Field(default=50.0, ge=0, le=100)

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str) -> str:
        value = value.strip()
        parts = urlsplit(value)
        if parts.scheme not in REDIS_SCHEMES:
            raise ValueError(
                f"REDIS_URL {mask_url_password(value)!r} is not a Redis URL: use "
                "redis://[:password@]host:port/db, rediss://... (TLS) or unix:///path/to/socket"
            )
        try:
            port = parts.port
        except ValueError as exc:
            raise ValueError(f"REDIS_URL {mask_url_password(value)!r} has a bad port ({exc})") from None
        if parts.scheme != "unix" and not parts.hostname:
            raise ValueError(f"REDIS_URL {mask_url_password(value)!r} names no host")
        db = parts.path.strip("/")
        if parts.scheme != "unix" and db and not db.isdigit():
            raise ValueError(f"REDIS_URL {mask_url_password(value)!r}: the database {db!r} is not a number")
        del port
        return value

    @field_validator("default_model")
    @classmethod
    def _strip_model(cls, value: str) -> str:
        return value.strip() or "auto"

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: object) -> object:
        if isinstance(value, str):
            level = value.strip().upper()
            if level not in LOG_LEVELS:
                raise ValueError(f"{value!r} is not a log level; use one of {', '.join(LOG_LEVELS)}")
            return level
        return value

    @field_validator("zen_tool_deadlines", mode="before")
    @classmethod
    def _tool_deadlines(cls, value: object) -> dict[str, float]:
        return parse_number_map(value, key="tool", value="seconds", example="chat=60,consensus=180")

    @field_validator("zen_provider_rate_limits", mode="before")
    @classmethod
    def _rate_limits(cls, value: object) -> dict[str, float]:
        limits = parse_number_map(
            value, key="provider", value="requests_per_second", example="openai=20,gemini=5"
        )
        known = [entry.name for entry in PROVIDERS]
        unknown = sorted(set(limits) - set(known))
        if unknown:
            raise ValueError(f"unknown provider(s) {', '.join(unknown)}; providers: {', '.join(known)}")
        return limits

    # --- derived views ----------------------------------------------------------------
    @property
    def disabled_tool_names(self) -> frozenset[str]:
        return frozenset(name.lower() for name in split_csv(self.disabled_tools))

    @property
    def auto_mode(self) -> bool:
        return self.default_model.lower() == "auto"

    @property
    def store_byte_budget(self) -> int:
        return int(self.memory_limit_mb * 1024 * 1024 * self.zen_store_memory_share)

    @property
    def allowed_roots(self) -> tuple[Path, ...]:
        return tuple(Path(p).resolve() for p in split_csv(self.zen_allowed_roots))

    @property
    def allowed_origins(self) -> tuple[str, ...]:
        return split_csv(self.zen_allowed_origins)

    @property
    def session_max_in_flight(self) -> int:
        """One HTTP session may hold at most this many slots, so it cannot starve others."""
        if self.zen_session_max_in_flight is not None:
            return self.zen_session_max_in_flight
        return max(1, self.max_concurrent_requests // 2)

    @property
    def provider_max_in_flight(self) -> int:
        """Bulkhead per provider; by default as wide as the global limit, so one provider can
        take every admitted call. Set it lower to keep a slow provider from holding them all."""
        return self.zen_provider_max_in_flight or self.max_concurrent_requests

    def deadline_for(self, tool: str) -> float:
        return self.zen_tool_deadlines.get(tool.lower(), self.zen_tool_deadline_s)

    def rate_limit_for(self, provider: str) -> float | None:
        return self.zen_provider_rate_limits.get(provider.lower())

    def allowed_models_for(self, provider: str) -> frozenset[str] | None:
        """Upstream's per-provider restriction lists; None means unrestricted."""
        entry = next((e for e in PROVIDERS if e.name == provider), None)
        variable = entry.allowed_models_variable if entry is not None else None
        names = split_csv(setting_value(self, variable)) if variable is not None else ()
        return frozenset(n.lower() for n in names) if names else None

    def secrets(self) -> tuple[str, ...]:
        """Every secret value configured, so logs and audit can redact them."""
        names = [entry.key_variable for entry in PROVIDERS] + [
            "JULES_API_KEY",
            "ZEN_AUTH_TOKEN",
            "ZEN_METRICS_TOKEN",
        ]
        found = tuple(value for name in names if (value := setting_value(self, name)) is not None)
        return found + self.deployment_keys

    @functools.cached_property
    def deployment_keys(self) -> tuple[str, ...]:
        """The keys the deployments file names by variable: secrets as much as the others.

        Read once: clink and jules ask for ``secrets()`` on every call, and the file is
        otherwise re-read and re-parsed each time (the deployments themselves are read once
        at start-up, so these are the keys in use).
        """
        if self.zen_deployments is None:
            return ()
        return tuple(
            v for name in key_variables(self.zen_deployments) if (v := os.environ.get(name, "").strip())
        )


def _problem(error: Mapping[str, Any]) -> str:
    """One pydantic error as ``VARIABLE: message``, without pydantic's own wording around it."""
    message = str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if error["type"] == "literal_error" and error.get("ctx", {}).get("expected"):
        message = f"{error.get('input')!r} is not one of {error['ctx']['expected']}"
    field = str(error["loc"][0]) if error["loc"] else ""
    # A model-level check has no field; its message already names its variables.
    return f"{field.upper()}: {message}" if field else message


def load_settings(**overrides: object) -> Settings:
    """Read the environment once; every bad value becomes one ConfigurationError line naming
    its variable (``VARIABLE: what is wrong``), never a pydantic report."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigurationError("; ".join(_problem(err) for err in exc.errors())) from None
    except SettingsError as exc:  # a value the settings source itself could not decode
        raise ConfigurationError(str(exc)) from None
