"""The custom provider's models from a ``custom_models.json`` file, read as the upstream reads it.

CUSTOM_MODELS_CONFIG_PATH names the file; its models replace the built-in custom entries
(CUSTOM_MODEL_NAME is still added when the file lacks it). The format is the upstream's::

    {"_README": {...},
     "models": [{"model_name": "llama3.2", "aliases": ["local-llama"], "context_window": 128000,
                 "max_output_tokens": 64000, "supports_extended_thinking": false,
                 "supports_images": false, "supports_temperature": true,
                 "intelligence_score": 6, "description": "..."}]}

As upstream does: ``aliases`` may be a comma-separated string, an entry without
``model_name`` is skipped, ``max_tokens`` is refused (it is ``max_output_tokens`` now), an
unknown field is refused, and an alias two models share is refused. Any problem raises
ConfigurationError naming the file and the entry, so the server does not start on a file it
half understands.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from zen_server.errors import ConfigurationError

CONFIG_ENV = "CUSTOM_MODELS_CONFIG_PATH"
# upstream field -> ModelSpec field; None: accepted for compatibility, not used here.
FIELDS: dict[str, str | None] = {
    "model_name": "name",
    "aliases": "aliases",
    "context_window": "context_window",
    "max_output_tokens": "max_output_tokens",
    "max_thinking_tokens": "max_thinking_tokens",
    "supports_extended_thinking": "supports_thinking",
    "supports_images": "supports_images",
    "supports_temperature": "supports_temperature",
    "intelligence_score": "intelligence_score",
    "description": "description",
    "use_openai_response_api": "use_responses_api",
    "default_reasoning_effort": "default_reasoning_effort",
    "provider": None,
    "friendly_name": None,
    "supports_system_prompts": None,
    "supports_streaming": None,
    "supports_function_calling": None,
    "supports_json_mode": None,
    "max_image_size_mb": None,
    "temperature_constraint": None,
    "allow_code_generation": None,
    "supported_thinking_levels": None,
    "enabled_by_default": None,
}
_TYPES: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "context_window": int,
    "max_output_tokens": int,
    "max_thinking_tokens": int,
    "supports_thinking": bool,
    "supports_images": bool,
    "supports_temperature": bool,
    "intelligence_score": int,
    "description": str,
    "use_responses_api": bool,
    "default_reasoning_effort": str,
}


def load_custom_models(path: Path) -> list[dict[str, Any]]:
    """The models of ``path`` as ModelSpec fields (provider "custom"); ConfigurationError if broken."""
    where = f"{CONFIG_ENV}={path}"
    try:
        data = json.loads(path.expanduser().read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"{where}: cannot read it ({exc.strerror or exc})") from exc
    except ValueError as exc:
        raise ConfigurationError(f"{where} is not valid JSON: {exc}") from exc
    entries = data.get("models", []) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ConfigurationError(f"{where} must be an object with a 'models' list")
    specs: list[dict[str, Any]] = []
    owners: dict[str, str] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not entry.get("model_name"):
            continue  # upstream skips these too
        spec = _spec(entry, f"{where}: models[{index}] ({entry['model_name']})")
        for name in (spec["name"], *spec.get("aliases", ())):
            owner = owners.setdefault(name.lower(), spec["name"])
            if owner != spec["name"]:
                raise ConfigurationError(
                    f"{where}: '{name}' names both '{owner}' and '{spec['name']}'; "
                    "give each alias to one model"
                )
        specs.append(spec)
    return specs


def _spec(entry: dict[str, Any], where: str) -> dict[str, Any]:
    if "max_tokens" in entry:
        raise ConfigurationError(f"{where}: 'max_tokens' is no longer read; name it 'max_output_tokens'")
    unknown = sorted(set(entry) - set(FIELDS))
    if unknown:
        raise ConfigurationError(f"{where}: unsupported fields {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for key, value in entry.items():
        field = FIELDS[key]
        if field is None or value is None:
            continue
        if field == "aliases":
            values["aliases"] = _aliases(value, where)
            continue
        wanted = _TYPES[field]
        if not isinstance(value, wanted) or (wanted is int and isinstance(value, bool)):
            kind = getattr(wanted, "__name__", wanted)
            raise ConfigurationError(f"{where}: '{key}' must be {kind}, got {value!r}")
        values[field] = value
    if not 1 <= values.get("intelligence_score", 10) <= 20:
        raise ConfigurationError(f"{where}: 'intelligence_score' must be between 1 and 20")
    values.setdefault("description", f"{values['name']} on the custom endpoint (CUSTOM_API_URL)")
    return {"provider": "custom", **values}


def _aliases(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(a.strip() for a in value.split(",") if a.strip())
    if isinstance(value, list) and all(isinstance(a, str) for a in value):
        return tuple(a.strip() for a in value if a.strip())
    raise ConfigurationError(f"{where}: 'aliases' must be a list of names or a comma-separated string")


__all__ = ["CONFIG_ENV", "load_custom_models"]
