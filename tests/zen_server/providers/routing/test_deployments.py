"""The deployments file: parsed into Deployments, and every mistake named by file, entry and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from zen_server.errors import ConfigurationError
from zen_server.providers.routing import load_deployments, parse_deployments

GOOD = """
deployments:
  - name: openai-us
    kind: openai
    base_url: https://api.example.test/v1/
    api_key_env: OPENAI_US_KEY
    region: US-East
    weight: 2
    models: [gpt-5]
  - name: azure-eu
    kind: azure
    base_url: https://eu.example.test
    models: {GPT-5: gpt5-eu}
    rpm: 60
    max_in_flight: 4
"""


def test_a_good_file_gives_deployments_with_their_keys_from_the_named_variable() -> None:
    found = parse_deployments(GOOD, source="d.yaml", environ={"OPENAI_US_KEY": "sk-us"})
    assert [d.name for d in found] == ["openai-us", "azure-eu"]
    us, eu = found
    assert us.api_key == "sk-us" and us.region == "us-east" and us.weight == 2.0
    assert us.base_url == "https://api.example.test/v1"
    assert us.wire_name("GPT-5") == "gpt-5"
    assert eu.wire_name("gpt-5") == "gpt5-eu" and eu.api_key is None and eu.region == "default"
    assert eu.rpm == 60 and eu.max_in_flight == 4


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (("weight: 2", "weight: 0"), "deployments[0] (openai-us): weight:"),
        (("kind: azure", "kind: nosuch"), "deployments[1] (azure-eu): kind: 'nosuch' is not a provider kind"),
        (("base_url: https://eu.example.test", "base_url: ftp://x"), "deployments[1] (azure-eu): base_url:"),
        (("rpm: 60", "rpm: -1"), "deployments[1] (azure-eu): rpm:"),
        (("models: [gpt-5]", "models: []"), "deployments[0] (openai-us): models:"),
        (("api_key_env: OPENAI_US_KEY", "api_key_env: sk-live-123"), "api_key_env: 'sk-live-123' is not a"),
        (
            ("name: azure-eu", "name: openai-us"),
            "deployments[1] (openai-us): name: 'openai-us' is given twice",
        ),
        (("max_in_flight: 4", "max_in_flight: 4\n    colour: red"), "deployments[1] (azure-eu): colour:"),
    ],
)
def test_a_bad_entry_is_refused_naming_the_file_the_entry_and_the_field(
    change: tuple[str, str], needle: str
) -> None:
    text = GOOD.replace(*change)
    with pytest.raises(ConfigurationError) as caught:
        parse_deployments(text, source="d.yaml", environ={"OPENAI_US_KEY": "sk-us"})
    assert str(caught.value).startswith("ZEN_DEPLOYMENTS: d.yaml: ")
    assert needle in str(caught.value)


def test_an_unset_key_variable_is_named() -> None:
    with pytest.raises(
        ConfigurationError, match=r"deployments\[0\] \(openai-us\): api_key_env: OPENAI_US_KEY"
    ):
        parse_deployments(GOOD, source="d.yaml", environ={})


@pytest.mark.parametrize("text", ["deployments: [", "- just a list", "deployments: []", "other: 1"])
def test_a_file_without_a_deployments_list_is_refused(text: str) -> None:
    with pytest.raises(ConfigurationError, match=r"ZEN_DEPLOYMENTS: d\.yaml"):
        parse_deployments(text, source="d.yaml", environ={})


def test_no_file_means_no_deployments_and_a_missing_file_is_named(tmp_path: Path) -> None:
    assert load_deployments(None) == []
    with pytest.raises(ConfigurationError, match=r"cannot read .*missing\.yaml"):
        load_deployments(tmp_path / "missing.yaml")
    path = tmp_path / "d.yaml"
    path.write_text(GOOD)
    assert len(load_deployments(path, environ={"OPENAI_US_KEY": "k"})) == 2
