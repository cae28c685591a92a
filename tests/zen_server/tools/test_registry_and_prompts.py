"""Registry: tool order, DISABLED_TOOLS rules, lookup errors, validation; MCP prompts as data."""

from __future__ import annotations

from typing import Any

import pytest

from zen_server.config import Settings
from zen_server.errors import ConfigurationError, PromptTooLargeError, ToolInputError
from zen_server.tools.prompts import PROMPTS, find_prompt, prompts_for, render_prompt
from zen_server.tools.registry import UPSTREAM_ORDER, ToolRegistry, tool_listing

# tools/list facts of the original server 9.4.1 for the tools this package owns.
UPSTREAM: dict[str, dict[str, Any]] = {
    "chat": {
        "required": ["model", "prompt", "working_directory_absolute_path"],
        "types": {
            "prompt": "string", "absolute_file_paths": "array", "images": "array",
            "working_directory_absolute_path": "string", "model": "string", "temperature": "number",
            "thinking_mode": "string", "continuation_id": "string",
        },
    },
    "challenge": {"required": ["prompt"], "types": {"prompt": "string"}},
    "listmodels": {"required": [], "types": {}},
    "version": {"required": [], "types": {}},
}  # fmt: skip


def test_default_registry_offers_core_tools_in_upstream_order() -> None:
    names = ToolRegistry.default(Settings()).names()
    assert {"chat", "challenge", "listmodels", "version"} <= set(names)
    rank = {n: i for i, n in enumerate(UPSTREAM_ORDER)}
    assert names == sorted(names, key=lambda n: rank.get(n, len(rank)))


def test_disabled_tools_are_removed_but_version_and_listmodels_stay() -> None:
    registry = ToolRegistry.default(Settings(disabled_tools="chat, version,listmodels"))
    assert "chat" not in registry and "version" in registry and "listmodels" in registry
    assert registry.disabled == frozenset({"chat"})
    with pytest.raises(ToolInputError, match="disabled on this server"):
        registry.get("chat")
    assert registry.warnings == ("DISABLED_TOOLS cannot disable listmodels, version; they stay enabled",)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (Settings(disabled_tools="chat, precommmit"), "DISABLED_TOOLS: unknown tool(s) precommmit; tools: "),
        (Settings(zen_tool_deadlines="chta=30"), "ZEN_TOOL_DEADLINES: unknown tool(s) chta; tools: "),
        (
            Settings(zen_tool_deadlines="chat=30,clinc=30"),
            "ZEN_TOOL_DEADLINES: unknown tool(s) clinc; tools: ",
        ),
    ],
)
def test_a_tool_name_no_server_has_is_a_configuration_error(settings: Settings, message: str) -> None:
    # A typo must not leave a tool exposed that was meant to be hidden, or unbounded.
    with pytest.raises(ConfigurationError) as info:
        ToolRegistry.default(settings)
    assert str(info.value).startswith(message)
    assert "chat" in str(info.value)


def test_unknown_tool_error_lists_the_known_ones() -> None:
    registry = ToolRegistry.default(Settings())
    with pytest.raises(ToolInputError, match="unknown tool 'chatt'; available tools: chat") as info:
        registry.get("chatt")
    assert "version" in str(info.value)


def test_listing_matches_upstream_names_types_and_required(catalog: Any) -> None:
    settings = Settings(default_model="auto")
    listing = {e["name"]: e for e in tool_listing(ToolRegistry.default(settings), catalog, settings)}
    for name, facts in UPSTREAM.items():
        schema = listing[name]["inputSchema"]
        assert sorted(schema["required"]) == facts["required"], name
        assert {k: v["type"] for k, v in schema["properties"].items()} == facts["types"], name
        assert listing[name]["description"]


def test_validate_checks_schema_and_prompt_size(catalog: Any) -> None:
    settings = Settings()
    registry = ToolRegistry.default(settings)
    with pytest.raises(ToolInputError, match="'prompt'"):
        registry.validate("challenge", {}, catalog, settings)
    with pytest.raises(PromptTooLargeError):
        registry.validate("challenge", {"prompt": "x" * 60_001}, catalog, settings)
    assert registry.validate("challenge", {"prompt": "p"}, catalog, settings) == {"prompt": "p"}


def test_prompts_cover_every_upstream_tool_and_continue() -> None:
    assert {p.tool_name for p in PROMPTS} == set(UPSTREAM_ORDER)
    assert find_prompt("review").tool_name == "codereview"
    assert find_prompt("thinkdeeper").tool_name == "thinkdeep"
    assert find_prompt("continue").tool_name == "chat"
    assert find_prompt("codereview").name == "review"  # a bare tool name also works
    assert len({p.name for p in PROMPTS}) == len(PROMPTS)


def test_prompt_rendering_and_filtering() -> None:
    thinkdeeper = find_prompt("thinkdeeper")
    assert render_prompt(thinkdeeper, {"model": "o3"}) == (
        "Think this through step by step with thinkdeep, using o3 and medium thinking"
    )
    assert "auto" in render_prompt(find_prompt("chat"))
    names = [p.name for p in prompts_for(["chat", "version"])]
    assert names == ["chat", "version", "continue"]
    with pytest.raises(KeyError, match="known prompts"):
        find_prompt("review", enabled_tools=["chat"])
