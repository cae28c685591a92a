"""Fixtures for provider tests: settings without the environment, and catalogs built from them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from zen_server.config import Settings
from zen_server.observability.events import RecordingObserver
from zen_server.providers.catalog import ModelCatalog

MakeSettings = Callable[..., Settings]


@pytest.fixture
def make_settings(monkeypatch: pytest.MonkeyPatch) -> MakeSettings:
    """Settings from explicit values only: any provider variable in the environment is ignored."""
    import os

    for name in list(os.environ):
        if name.upper().endswith(
            ("_API_KEY", "_ALLOWED_MODELS", "_API_URL", "_ENDPOINT")
        ) or name.upper() in {
            "DEFAULT_MODEL",
            "CUSTOM_MODEL_NAME",
        }:
            monkeypatch.delenv(name)

    def make(**values: Any) -> Settings:
        return Settings(**values)

    return make


@pytest.fixture
def catalog(make_settings: MakeSettings) -> ModelCatalog:
    return ModelCatalog.from_settings(
        make_settings(openai_api_key="sk-test-openai-key-123456", gemini_api_key="gem-key-abcdef")
    )


@pytest.fixture
def observer() -> RecordingObserver:
    return RecordingObserver()
