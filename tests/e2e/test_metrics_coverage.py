"""Every registered tool and every configured provider shows up in /metrics, counted exactly.

The real server runs over stdio with the ops listener on ZEN_OPS_PORT and three fake
providers behind it (OpenAI, Gemini, custom). The test lists the tools, calls each one once
with arguments made from its input schema, chats once through a model of each provider,
and then compares /metrics with what happened: one ``zen_tool_calls_total`` per call for
every tool, and, per provider, ``zen_provider_requests_total`` equal to the requests that
provider's fake received.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import httpx
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from fakes.testing import FakeServer
from zen_server.config import Settings
from zen_server.providers.catalog import ModelCatalog

pytestmark = pytest.mark.e2e


def filler(name: str, schema: dict[str, Any], model: str) -> Any:
    """A value that satisfies the schema's type; the call may still fail, and is still counted."""
    if name == "model":
        return model
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 0.5))
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        return {}
    return "/tmp" if "path" in name or "directory" in name else "coverage check"


def arguments_for(tool_schema: dict[str, Any], model: str) -> dict[str, Any]:
    props: dict[str, Any] = tool_schema.get("properties", {})
    return {name: filler(name, props.get(name, {}), model) for name in tool_schema.get("required", [])}


def samples(text: str, name: str) -> list[tuple[dict[str, str], float]]:
    return [
        (dict(s.labels), s.value)
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == name
    ]


async def test_every_tool_and_provider_is_in_metrics_with_the_counts_the_fakes_saw(
    fake: FakeServer, server_env: dict[str, str], unused_port: int, zen_server_cmd: str
) -> None:
    with FakeServer("openai", seed=2) as openai_fake, FakeServer("gemini", seed=3) as gemini_fake:
        env = {
            **server_env,
            "OPENAI_API_KEY": "e2e-openai-key",
            "OPENAI_BASE_URL": openai_fake.openai_base_url,
            "GEMINI_API_KEY": "e2e-gemini-key",
            "GEMINI_BASE_URL": gemini_fake.base_url,
            "ZEN_OPS_PORT": str(unused_port),
        }
        catalog = ModelCatalog.from_settings(
            Settings(
                openai_api_key=SecretStr("k"),
                gemini_api_key=SecretStr("k"),
                custom_api_url=server_env["CUSTOM_API_URL"],
                custom_model_name=server_env["CUSTOM_MODEL_NAME"],
            )
        )
        one_model: dict[str, str] = {}
        for spec in catalog.available():
            one_model.setdefault(spec.provider, spec.name)
        fakes = {"openai": openai_fake, "gemini": gemini_fake, "custom": fake}
        assert set(one_model) == set(fakes), f"providers configured: {sorted(one_model)}"

        calls: dict[str, int] = defaultdict(int)
        async with Client(
            StdioServerParameters(command=zen_server_cmd, env=env), read_timeout_seconds=60
        ) as client:
            tools = (await client.list_tools()).tools
            assert len(tools) >= 10
            for tool in tools:
                await client.call_tool(tool.name, arguments_for(tool.input_schema, one_model["custom"]))
                calls[tool.name] += 1
            for model in one_model.values():
                prompt = {"prompt": "hi", "model": model, "working_directory_absolute_path": "/tmp"}
                await client.call_tool("chat", prompt)
                calls["chat"] += 1
            async with httpx.AsyncClient(timeout=5) as http:
                text = (await http.get(f"http://127.0.0.1:{unused_port}/metrics")).text

        by_tool: dict[str, float] = defaultdict(float)
        for labels, value in samples(text, "zen_tool_calls_total"):
            by_tool[labels["tool"]] += value
        assert dict(by_tool) == {name: float(n) for name, n in calls.items()}

        by_provider: dict[str, float] = defaultdict(float)
        for labels, value in samples(text, "zen_provider_requests_total"):
            by_provider[labels["provider"]] += value
        for provider, server in fakes.items():
            seen = server.control.stats().requests
            assert seen > 0, f"{provider}'s fake was never called"
            assert by_provider[provider] == seen, f"{provider}: metrics {by_provider[provider]}, fake {seen}"
