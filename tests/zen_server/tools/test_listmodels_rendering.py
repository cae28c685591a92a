"""listmodels shows context windows in readable units and where a custom endpoint points."""

from __future__ import annotations

import os

import pytest

from zen_server.config import Settings
from zen_server.providers.catalog import ModelCatalog
from zen_server.tools.listmodels import format_context, render_catalog


@pytest.mark.parametrize(
    ("tokens", "shown"),
    [
        (1_048_576, "1M context"),  # 2**20 reads as one million, not 1.04858M
        (1_500_000, "1.5M context"),
        (2_000_000, "2M context"),
        (200_000, "200K context"),
        (8_191, "8K context"),
        (512, "512 context"),
        (0, "unknown context"),
    ],
)
def test_context_windows_are_shown_in_millions_thousands_or_tokens(tokens: int, shown: str) -> None:
    assert format_context(tokens) == shown


def test_a_configured_custom_endpoint_is_named_in_the_listing(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().endswith(("_API_KEY", "_API_URL", "_ENDPOINT", "_ALLOWED_MODELS")):
            monkeypatch.delenv(name)
    settings = Settings(custom_api_url="http://localhost:11434/v1", custom_model_name="llama3.2")
    markdown, _ = render_catalog(ModelCatalog.from_settings(settings), settings)
    custom = markdown.split("## Custom/Local API", 1)[1]
    assert custom.startswith(" ✅")
    assert "**Endpoint**: http://localhost:11434/v1" in custom
    without, _ = render_catalog(ModelCatalog.from_settings(Settings()), Settings())
    assert "**Endpoint**" not in without
