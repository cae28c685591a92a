"""CUSTOM_MODELS_CONFIG_PATH: upstream's custom_models.json replaces the built-in custom models."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from zen_server.config import Settings
from zen_server.errors import ConfigurationError
from zen_server.providers.catalog import ModelCatalog

MakeSettings = Callable[..., Settings]

# The shape upstream ships in conf/custom_models.json (values of our own).
UPSTREAM_STYLE = {
    "_README": {"description": "models of my local server"},
    "models": [
        {
            "model_name": "qwen3-coder:30b",
            "aliases": ["coder", "local-coder"],
            "context_window": 256000,
            "max_output_tokens": 32000,
            "supports_extended_thinking": False,
            "supports_json_mode": False,
            "supports_function_calling": True,
            "supports_images": False,
            "max_image_size_mb": 0.0,
            "temperature_constraint": "range",
            "description": "Qwen3 Coder on Ollama",
            "intelligence_score": 11,
        },
        {"model_name": "vision-local", "aliases": "eyes, see", "supports_images": True},
        {"aliases": ["nameless"]},
        {
            "model_name": "reasoner",
            "use_openai_response_api": True,
            "default_reasoning_effort": "low",
            "supports_temperature": False,
        },
    ],
}


def write(tmp_path: Path, content: Any) -> Path:
    path = tmp_path / "custom_models.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_the_file_replaces_the_builtin_custom_models(make_settings: MakeSettings, tmp_path: Path) -> None:
    settings = make_settings(
        custom_api_url="http://127.0.0.1:11434/v1",
        custom_models_config_path=write(tmp_path, UPSTREAM_STYLE),
        custom_model_name="qwen3-coder:30b",
    )
    catalog = ModelCatalog.from_settings(settings)
    custom = {s.name: s for s in catalog.all_models() if s.provider == "custom"}
    assert set(custom) == {"qwen3-coder:30b", "vision-local", "reasoner"}  # no llama3.2, no nameless entry
    coder = catalog.resolve("CODER")
    assert (coder.name, coder.context_window, coder.max_output_tokens, coder.intelligence_score) == (
        "qwen3-coder:30b", 256000, 32000, 11,
    )  # fmt: skip
    assert catalog.resolve("see").supports_images and catalog.resolve("eyes").name == "vision-local"
    reasoner = catalog.resolve("reasoner")
    assert reasoner.use_responses_api and reasoner.default_reasoning_effort == "low"
    assert not reasoner.supports_temperature and reasoner.description.endswith("(CUSTOM_API_URL)")


def test_custom_model_name_is_added_when_the_file_lacks_it(
    make_settings: MakeSettings, tmp_path: Path
) -> None:
    settings = make_settings(
        custom_api_url="http://127.0.0.1:11434/v1",
        custom_models_config_path=write(tmp_path, {"models": []}),
        custom_model_name="my-model",
    )
    assert ModelCatalog.from_settings(settings).resolve("my-model").provider == "custom"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{broken", "is not valid JSON"),
        ({"models": {"a": 1}}, "must be an object with a 'models' list"),
        ({"models": [{"model_name": "m", "max_tokens": 5}]}, "'max_tokens' is no longer read"),
        ({"models": [{"model_name": "m", "context": 5}]}, r"models\[0\] \(m\): unsupported fields context"),
        ({"models": [{"model_name": "m", "context_window": "big"}]}, "'context_window' must be int"),
        ({"models": [{"model_name": "m", "supports_images": 1}]}, "'supports_images' must be bool"),
        ({"models": [{"model_name": "m", "intelligence_score": 30}]}, "between 1 and 20"),
        (
            {"models": [{"model_name": "a", "aliases": ["x"]}, {"model_name": "b", "aliases": "X"}]},
            "'X' names both",
        ),
        ({"models": [{"model_name": "m", "aliases": [1]}]}, "'aliases' must be a list of names"),
    ],
)
def test_a_broken_file_stops_the_catalog_naming_the_file(
    make_settings: MakeSettings, tmp_path: Path, content: Any, message: str
) -> None:
    path = write(tmp_path, content)
    with pytest.raises(ConfigurationError, match=message) as info:
        ModelCatalog.from_settings(make_settings(custom_models_config_path=path))
    assert f"CUSTOM_MODELS_CONFIG_PATH={path}" in str(info.value)


def test_a_missing_file_is_refused(make_settings: MakeSettings, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot read it"):
        ModelCatalog.from_settings(make_settings(custom_models_config_path=tmp_path / "absent.json"))
