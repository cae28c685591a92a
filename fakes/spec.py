"""The behaviour spec: what a fake does, per provider and per model, and how it is loaded.

    seed: 7                       # optional; the CLI's --seed wins
    providers:
      openai:
        default: {latency: {p50_ms: 200, p99_ms: 900}, faults: [{kind: error, status: 429, rate: 0.1}]}
        models:
          gpt-5: {faults: []}     # a model entry overrides only the fields it names

Validation failures raise `BehaviourError` naming the field (the control API answers 400).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal, Self, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from fakes._errors import BehaviourError
from fakes.behaviours import Fault, LatencySpec

M = TypeVar("M", bound=BaseModel)

ProviderName = Literal["openai", "gemini", "jules"]
PROVIDERS: tuple[ProviderName, ...] = ("openai", "gemini", "jules")


class StreamSpec(BaseModel):
    """Timing and shape of streamed replies."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ttft_ms: float | None = Field(
        None, ge=0, le=3_600_000, description="replaces latency before the first chunk"
    )
    chunk_delay_ms: float = Field(0.0, ge=0, le=600_000)
    chunks: int = Field(8, ge=1, le=1000, description="text deltas per streamed reply")


class Behaviour(BaseModel):
    """Everything that shapes one model's replies."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    latency: LatencySpec = LatencySpec()
    stream: StreamSpec = StreamSpec()
    faults: tuple[Fault, ...] = Field((), max_length=32)
    reply_text: str | None = Field(None, max_length=1_000_000, description="'{marker}' is replaced")
    reply_padding_words: int = Field(0, ge=0, le=1_000_000)

    @model_validator(mode="after")
    def _rates_fit(self) -> Self:
        total = sum(fault.rate for fault in self.faults)
        if total > 1.0 + 1e-9:
            raise ValueError(f"fault rates add up to {total:g}; they must add up to at most 1")
        return self

    def overridden_by(self, override: Behaviour) -> Behaviour:
        """This behaviour with the fields the override explicitly set replaced."""
        fields = {name: getattr(override, name) for name in override.model_fields_set}
        return self.model_validate({**self.model_dump(), **{k: _dump(v) for k, v in fields.items()}})


def _dump(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, tuple):
        return [_dump(item) for item in value]
    return value


class ProviderBehaviour(BaseModel):
    """A provider's default behaviour plus per-model partial overrides."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default: Behaviour = Behaviour()
    models: dict[str, Behaviour] = Field(default_factory=dict)
    listed_models: tuple[str, ...] | None = Field(None, description="what the model list returns")
    recent_bodies: int = Field(50, ge=0, le=10_000, description="request bodies kept in stats")

    def for_model(self, model: str) -> Behaviour:
        override = self.models.get(model)
        return self.default if override is None else self.default.overridden_by(override)


class BehaviourFile(BaseModel):
    """The whole file given with --behaviour."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int | None = None
    providers: dict[ProviderName, ProviderBehaviour] = Field(default_factory=dict)

    def for_provider(self, provider: str) -> ProviderBehaviour:
        found = [behaviour for name, behaviour in self.providers.items() if name == provider]
        return found[0] if found else ProviderBehaviour()


def describe_validation_error(error: ValidationError) -> str:
    """One line per problem: `field.path: what is wrong`."""
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(body)"
        lines.append(f"{where}: {item['msg']}")
    return "; ".join(lines)


def parse_model(model: type[M], data: Any, what: str) -> M:
    """Validate data into `model`, turning pydantic's error into a BehaviourError naming fields."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BehaviourError(f"invalid {what}: {describe_validation_error(exc)}") from exc


def load_behaviour_file(path: str | Path) -> BehaviourFile:
    """Read a YAML or JSON behaviour file (JSON is YAML; .json files are parsed strictly)."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise BehaviourError(f"cannot read behaviour file {file}: {exc.strerror}") from exc
    try:
        data = json.loads(text) if file.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise BehaviourError(f"behaviour file {file} is not valid {file.suffix or 'YAML'}: {exc}") from exc
    return parse_model(BehaviourFile, data or {}, f"behaviour file {file}")
