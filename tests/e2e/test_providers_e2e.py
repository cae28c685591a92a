"""The provider additions end to end: zen-server as a process, a real MCP client, the fake behind.

One server, three ways to a model: a Responses-API model of the catalog (o3-pro), an
OpenRouter name the catalog lacks (passed through), and a model from a custom_models.json.
The fake records each request, so the tests see the path and the model name on the wire.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from fakes.testing import FakeServer
from tests.e2e.conftest import Connect, chat_envelope

pytestmark = pytest.mark.e2e


@pytest.fixture
def server_env(server_env: dict[str, str], fake: FakeServer, tmp_path: Path) -> dict[str, str]:
    models = {"models": [{"model_name": "qwen3-coder:30b", "aliases": ["coder"], "context_window": 64000}]}
    config = tmp_path / "custom_models.json"
    config.write_text(json.dumps(models))
    return {
        **server_env,
        "OPENAI_API_KEY": "sk-e2e-openai-key",
        "OPENAI_BASE_URL": fake.openai_base_url,
        "OPENROUTER_API_KEY": "e2e-openrouter-key",
        "OPENROUTER_BASE_URL": fake.openai_base_url,
        "CUSTOM_MODELS_CONFIG_PATH": str(config),
    }


async def chat(client: Client, model: str, workdir: Path) -> dict[str, Any]:
    arguments = {"prompt": f"hello {model}", "model": model, "working_directory_absolute_path": str(workdir)}
    return await chat_envelope(client, arguments)


@pytest.mark.parametrize("transport", ["stdio"], indirect=True)
@pytest.mark.parametrize(
    ("model", "path", "wire_model", "provider"),
    [
        ("o3-pro", "/v1/responses", "o3-pro", "openai"),
        (
            "mistralai/mistral-large:free",
            "/v1/chat/completions",
            "mistralai/mistral-large:free",
            "openrouter",
        ),
        ("coder", "/v1/chat/completions", "qwen3-coder:30b", "custom"),
    ],
)
async def test_each_way_to_a_model_reaches_the_provider_as_upstream_would(
    connect: Connect, fake: FakeServer, tmp_path: Path, model: str, path: str, wire_model: str, provider: str
) -> None:
    async with connect() as client:
        envelope = await chat(client, model, tmp_path)
    assert envelope["content"].startswith(f"FAKE-REPLY model={wire_model}")
    assert envelope["metadata"]["provider_used"] == provider
    sent = fake.control.stats(bodies=1).recent[-1]
    assert (sent["path"], sent["body"]["model"]) == (path, wire_model)


def test_a_broken_custom_models_file_stops_the_server(
    server_env: dict[str, str], tmp_path: Path, zen_server_cmd: str, process_env: Any
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"models": [{"model_name": "m", "max_tokens": 1}]}))
    env = process_env({**server_env, "CUSTOM_MODELS_CONFIG_PATH": str(bad)})
    done = subprocess.run([zen_server_cmd], env=env, capture_output=True, text=True, timeout=60, input="")
    assert done.returncode == 2 and "max_output_tokens" in done.stderr and str(bad) in done.stderr
