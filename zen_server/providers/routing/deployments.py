"""Deployments as data: the file ZEN_DEPLOYMENTS names (YAML), parsed and checked at start.

One model is often served by several endpoints (OpenAI direct, Azure in two regions, a
vLLM pool) with different latency, quota and health. Each entry of the file is one such
endpoint::

    deployments:
      - name: azure-eu            # unique; metrics and replies name it
        kind: azure               # a provider of the provider table (its wire dialect)
        base_url: https://eu.example.test
        api_key_env: AZURE_EU_KEY # the variable holding its key (never the key itself)
        region: eu-west
        weight: 2                 # share under weighted strategies (> 0)
        models: {gpt-5: gpt5-eu}  # catalog name -> name on the wire (a list: same names)
        rpm: 600                  # optional requests-per-minute quota
        tpm: 200000               # optional tokens-per-minute quota
        max_in_flight: 32         # optional bulkhead of this deployment

A bad file stops the server with one :class:`ConfigurationError` naming the file, the entry
and the field. Without the variable, nothing here runs and today's per-provider settings
keep working unchanged.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from zen_server.deployment_keys import ENV_NAME
from zen_server.errors import ConfigurationError
from zen_server.provider_table import PROVIDERS

MAX_FILE_BYTES = 1024 * 1024
DEPLOYMENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True, slots=True)
class Deployment:
    """One endpoint serving some models; the unit the router chooses between."""

    name: str
    kind: str  # provider-table name: which dialect and wire details
    base_url: str
    api_key: str | None
    region: str
    weight: float
    models: Mapping[str, str]  # lower-cased catalog name -> wire name
    rpm: int | None = None
    tpm: int | None = None
    max_in_flight: int | None = None

    def wire_name(self, model: str) -> str | None:
        return self.models.get(model.lower())


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    kind: str
    base_url: str
    api_key_env: str | None = None
    region: str = "default"
    weight: float = Field(default=1.0, gt=0, le=1_000_000)
    models: dict[str, str] | list[str]
    rpm: int | None = Field(default=None, ge=1)
    tpm: int | None = Field(default=None, ge=1)
    max_in_flight: int | None = Field(default=None, ge=1, le=100_000)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not DEPLOYMENT_NAME.match(value):
            raise ValueError(
                "use letters, digits, '.', '_' or '-' (at most 64), starting with a letter or digit"
            )
        return value

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        known = [entry.name for entry in PROVIDERS]
        if value not in known:
            raise ValueError(f"{value!r} is not a provider kind; use one of {', '.join(known)}")
        return value

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.rstrip("/")

    @field_validator("api_key_env")
    @classmethod
    def _env(cls, value: str | None) -> str | None:
        if value is not None and not ENV_NAME.match(value):
            raise ValueError(
                f"{value!r} is not an environment variable name (the key itself never goes here)"
            )
        return value

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if not DEPLOYMENT_NAME.match(value):
            raise ValueError("use letters, digits, '.', '_' or '-'")
        return value.lower()

    @field_validator("models")
    @classmethod
    def _models(cls, value: dict[str, str] | list[str]) -> dict[str, str]:
        pairs = {name: name for name in value} if isinstance(value, list) else dict(value)
        if not pairs:
            raise ValueError("a deployment serves at least one model")
        for name, wire in pairs.items():
            if not name.strip() or not wire.strip():
                raise ValueError("model names and wire names must not be blank")
        return {name.strip().lower(): wire.strip() for name, wire in pairs.items()}


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    deployments: list[dict[str, Any]] = Field(min_length=1)


def parse_deployments(
    text: str, *, source: str, environ: Mapping[str, str] | None = None
) -> list[Deployment]:
    """The deployments of one file's text; ``source`` names the file in every error."""
    env = os.environ if environ is None else environ
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"ZEN_DEPLOYMENTS: {source} is not valid YAML: {exc}") from None
    try:
        document = _File.model_validate(raw if isinstance(raw, dict) else {"_": raw})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigurationError(
            f"ZEN_DEPLOYMENTS: {source}: {where}: {first['msg']} (the file holds a 'deployments:' list)"
        ) from None
    found: list[Deployment] = []
    seen: set[str] = set()
    for index, item in enumerate(document.deployments):
        label = f"deployments[{index}]" + (f" ({item['name']})" if isinstance(item.get("name"), str) else "")
        try:
            entry = _Entry.model_validate(item)
        except ValidationError as exc:
            problems = "; ".join(_field_problem(err) for err in exc.errors())
            raise ConfigurationError(f"ZEN_DEPLOYMENTS: {source}: {label}: {problems}") from None
        if entry.name in seen:
            raise ConfigurationError(
                f"ZEN_DEPLOYMENTS: {source}: {label}: name: {entry.name!r} is given twice"
            )
        seen.add(entry.name)
        key = None
        if entry.api_key_env is not None:
            key = env.get(entry.api_key_env, "").strip() or None
            if key is None:
                raise ConfigurationError(
                    f"ZEN_DEPLOYMENTS: {source}: {label}: api_key_env: {entry.api_key_env} is not set"
                )
        models = entry.models if isinstance(entry.models, dict) else {m: m for m in entry.models}
        found.append(
            Deployment(
                name=entry.name,
                kind=entry.kind,
                base_url=entry.base_url,
                api_key=key,
                region=entry.region,
                weight=entry.weight,
                models=models,
                rpm=entry.rpm,
                tpm=entry.tpm,
                max_in_flight=entry.max_in_flight,
            )
        )
    return found


def load_deployments(path: Path | None, *, environ: Mapping[str, str] | None = None) -> list[Deployment]:
    """The file's deployments; ``[]`` when no file is named (today's settings then apply)."""
    if path is None:
        return []
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ConfigurationError(f"ZEN_DEPLOYMENTS: {path} is larger than {MAX_FILE_BYTES} bytes")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"ZEN_DEPLOYMENTS: cannot read {path}: {exc}") from None
    return parse_deployments(text, source=str(path), environ=environ)


def _field_problem(error: Mapping[str, Any]) -> str:
    field = ".".join(str(part) for part in error["loc"]) or "entry"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{field}: {message}"
