"""The upstream's provider wiring (facts of pal-mcp-server 11.8.2) and the before/after tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.baseline.profiles import PAL, ProviderWire, profile_for, scrubbed_environ
from harness.baseline.tables import chaos_table, gates_table


def test_pal_reaches_an_openai_dialect_fake_only_as_its_custom_provider(tmp_path: Path) -> None:
    env = PAL.env([ProviderWire("openai", "openai")], ["gpt-5", "gpt-5"], tmp_path, "s1")
    assert env["CUSTOM_API_URL"] == "{provider.openai.url}"
    # A key for OpenAI would send calls to the real, fixed api.openai.com: never set.
    assert not {"OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENROUTER_API_KEY"} & set(env)
    models = json.loads(Path(env["CUSTOM_MODELS_CONFIG_PATH"]).read_text())["models"]
    assert [m["model_name"] for m in models] == ["gpt-5"]
    assert env["PAL_LOG_DIR"] == f"{tmp_path}/logs" and env["PAL_WORKSPACE_ROOT"] == "{workdir}"


def test_pal_gemini_goes_through_gemini_base_url(tmp_path: Path) -> None:
    env = PAL.env([ProviderWire("g", "gemini")], [], tmp_path, "s2")
    assert env["GEMINI_BASE_URL"] == "{provider.g.url}" and "CUSTOM_API_URL" not in env


def test_two_openai_dialect_providers_are_not_applicable_to_pal_with_the_reason() -> None:
    reason = PAL.not_applicable([ProviderWire("openai", "openai"), ProviderWire("openrouter", "openai")])
    assert reason is not None and "CUSTOM_API_URL" in reason and "openrouter" in reason
    assert PAL.not_applicable([ProviderWire("openai", "openai"), ProviderWire("g", "gemini")]) is None


def test_settings_pal_lacks_are_listed_and_unknown_servers_claim_nothing() -> None:
    assert PAL.lacks(["ZEN_TOOL_DEADLINE_S", "CUSTOM_MODEL_NAME"]) == ["ZEN_TOOL_DEADLINE_S"]
    assert profile_for("pal_mcp_server") is PAL and profile_for("Zen-MCP-Server") is PAL
    assert profile_for("some-other-server").lacks(["ZEN_TOOL_DEADLINE_S"]) == []


def test_real_provider_variables_are_scrubbed(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "DIAL_API_HOST", "AZURE_OPENAI_ENDPOINT", "OPENROUTER_BASE_URL"):
        monkeypatch.setenv(name, "real")
    monkeypatch.setenv("ZEN_KEEP_ME", "1")
    env = scrubbed_environ()
    assert env["ZEN_KEEP_ME"] == "1"
    assert not {"OPENAI_API_KEY", "DIAL_API_HOST", "AZURE_OPENAI_ENDPOINT", "OPENROUTER_BASE_URL"} & set(env)


def test_chaos_table_puts_each_scenario_before_and_after_with_not_applicable_reasons() -> None:
    before = {
        "scenarios": [{"name": "a", "passed": False, "failed": ["recovery"], "errors": []}],
        "not_applicable": [{"name": "b", "reason": "two endpoints"}],
    }
    after = {"scenarios": [{"name": "a", "passed": True, "errors": []}, {"name": "b", "passed": True}]}
    table = chaos_table(before, after, "baseline:pal")
    assert "| a | **FAIL**: recovery | PASS |" in table
    assert "| b | not applicable: two endpoints | PASS |" in table


def test_gates_table_shows_figures_and_why_not_measured() -> None:
    before = {"gates": [
        {"metric": "p95", "target": "< 2", "measured": 2.41, "unit": "s", "verdict": "fail"},
        {"metric": "coverage", "target": ">= 100", "measured": None, "verdict": "not measured",
         "reason": "not applicable to baseline:pal"},
    ]}  # fmt: skip
    after = {"gates": [
        {"metric": "p95", "target": "< 2", "measured": 1.02, "unit": "s", "verdict": "pass"},
        {"metric": "coverage", "target": ">= 100", "measured": 100, "unit": "%", "verdict": "pass"},
    ]}  # fmt: skip
    table = gates_table(before, after, "baseline:pal")
    assert "| p95 | < 2 | 2.41 s (**FAIL**) | 1.02 s (pass) |" in table
    assert "| coverage | >= 100 | not measured: not applicable to baseline:pal | 100 % (pass) |" in table
