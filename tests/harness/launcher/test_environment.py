"""The launcher's environment: real provider settings are removed, fakes are wired by the table."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.gates.metrics.base import MeasureContext
from harness.launcher import FAKE_API_KEY, fake_provider_env, server_environment, without_real_providers
from harness.launcher.provider_variables import PROVIDER_VARIABLES
from zen_server.provider_table import PROVIDERS


def test_every_variable_of_every_provider_in_the_table_is_removed() -> None:
    table_variables = {name for entry in PROVIDERS for name in entry.variables}
    assert table_variables <= PROVIDER_VARIABLES
    base = dict.fromkeys(table_variables, "planted") | {"PATH": "/bin", "ZEN_X": "1", "JULES_API_KEY": "k"}
    assert without_real_providers(base) == {"PATH": "/bin", "ZEN_X": "1"}


def test_server_environment_adds_the_wiring_after_removing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XAI_API_KEY", "xai-planted")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-planted")
    env = server_environment({"OPENAI_API_KEY": FAKE_API_KEY})
    assert "XAI_API_KEY" not in env and env["OPENAI_API_KEY"] == FAKE_API_KEY
    assert env["PYTHONUNBUFFERED"] == "1" and env["PATH"] == os.environ["PATH"]


def test_fakes_named_after_a_provider_wire_its_variables_and_others_their_dialect() -> None:
    env = fake_provider_env(
        {"openrouter": "http://o", "primary": "http://p", "gemini": "http://g", "xai": "http://x"},
        {"openrouter": "openai", "primary": "openai", "xai": "openai"},
    )
    assert env == {
        "OPENROUTER_API_KEY": FAKE_API_KEY, "OPENROUTER_BASE_URL": "http://o",
        "OPENAI_API_KEY": FAKE_API_KEY, "OPENAI_BASE_URL": "http://p",
        "GEMINI_API_KEY": FAKE_API_KEY, "GEMINI_BASE_URL": "http://g",
        "XAI_API_KEY": FAKE_API_KEY, "XAI_BASE_URL": "http://x",
    }  # fmt: skip
    # A gemini-dialect fake called "openai" is not the OpenAI provider: it wires GEMINI_*.
    assert set(fake_provider_env({"openai": "http://g"}, {"openai": "gemini"})) == {
        "GEMINI_API_KEY",
        "GEMINI_BASE_URL",
    }


def test_gate_children_get_no_real_provider_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-planted")
    monkeypatch.setenv("XAI_BASE_URL", "https://planted.example")
    env = MeasureContext(out_dir=tmp_path).child_env()
    assert "OPENROUTER_API_KEY" not in env and "XAI_BASE_URL" not in env
    assert env["ZEN_GATES_INNER"] == "1" and env["PATH"] == os.environ["PATH"]
