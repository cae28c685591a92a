"""The zen-server command line: arguments and configuration failures."""

from __future__ import annotations

import pytest

from zen_server.cli import EXIT_CONFIG, main, parse_args


def test_defaults_are_stdio_and_loopback() -> None:
    args = parse_args([])
    assert (args.transport, args.host, args.port) == ("stdio", "127.0.0.1", 8080)


def test_invalid_setting_exits_2_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MAX_CONCURRENT_REQUESTS", "0")
    assert main([]) == EXIT_CONFIG
    assert "MAX_CONCURRENT_REQUESTS" in capsys.readouterr().err


def test_public_bind_without_token_exits_2_naming_zen_auth_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ZEN_AUTH_TOKEN", raising=False)
    assert main(["--transport", "http", "--host", "0.0.0.0"]) == EXIT_CONFIG
    assert "ZEN_AUTH_TOKEN" in capsys.readouterr().err


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["--version"])
    assert exit_info.value.code == 0
    assert "zen-server 0.1.0" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("setting", "names"),
    [
        ("ZEN_TOOL_DEADLINES=chat:60", "ZEN_TOOL_DEADLINES: entry 'chat:60' is not tool=seconds"),
        ("ZEN_TOOL_DEADLINES=chta=60", "ZEN_TOOL_DEADLINES: unknown tool(s) chta; tools: analyze"),
        ("ZEN_PROVIDER_RATE_LIMITS=openai:5", "ZEN_PROVIDER_RATE_LIMITS: entry 'openai:5'"),
        ("ZEN_PROVIDER_RATE_LIMITS=opnai=5", "ZEN_PROVIDER_RATE_LIMITS: unknown provider(s) opnai"),
        ("DISABLED_TOOLS=chat,precommmit", "DISABLED_TOOLS: unknown tool(s) precommmit"),
        ("DEFAULT_MODEL=gpt-9", "DEFAULT_MODEL: unknown model 'gpt-9'; use 'auto' or one of"),
        ("LOG_LEVEL=verbose", "LOG_LEVEL: 'verbose' is not a log level"),
    ],
)
def test_a_bad_setting_stops_the_server_at_start_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], setting: str, names: str
) -> None:
    variable, _, value = setting.partition("=")
    monkeypatch.setenv(variable, value)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-cli-000000")
    assert main([]) == EXIT_CONFIG
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"zen-server: configuration error: {names}"), err
    assert "Traceback" not in err and "Value error" not in err


def test_help_says_configuration_is_by_environment(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "Configuration is by environment variables" in out
    assert "exit status 2" in out
