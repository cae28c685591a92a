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
