"""`zen-server` under stdio: ops endpoints live only while serving, and every exit path has its code."""

from __future__ import annotations

import httpx
import pytest

from zen_server import cli
from zen_server.cli import EXIT_CONFIG, main
from zen_server.errors import ConfigurationError
from zen_server.observability.hub import ObservabilityHub


@pytest.fixture(autouse=True)
def _quiet_environment(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """No global logging reconfiguration from main(); records that it was asked for."""
    calls: list[str] = []
    monkeypatch.setattr(
        ObservabilityHub, "install_logging", lambda self, stream=None: calls.append("logging")
    )
    for name in ("ZEN_OPS_PORT", "ZEN_AUDIT_LOG", "DISABLED_TOOLS"):
        monkeypatch.delenv(name, raising=False)
    return calls


def test_stdio_serves_ops_endpoints_while_running_and_closes_them_on_exit(
    monkeypatch: pytest.MonkeyPatch, unused_port: int, _quiet_environment: list[str]
) -> None:
    monkeypatch.setenv("ZEN_OPS_PORT", str(unused_port))
    seen: list[int] = []

    async def fake_serve_stdio(server: object, **options: object) -> None:  # the client closes stdin at once
        async with httpx.AsyncClient() as client:
            seen.append((await client.get(f"http://127.0.0.1:{unused_port}/health")).status_code)

    monkeypatch.setattr(cli, "serve_stdio", fake_serve_stdio)
    assert main([]) == 0
    assert seen == [200]
    assert _quiet_environment == ["logging"]
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{unused_port}/health", timeout=1.0)


def test_stdio_without_an_ops_port_serves_only_mcp(monkeypatch: pytest.MonkeyPatch) -> None:
    served: list[object] = []

    async def fake_serve_stdio(server: object, **options: object) -> None:
        served.append(server)
        served.append(options)

    monkeypatch.setenv("ZEN_DRAIN_TIMEOUT_S", "7")
    monkeypatch.setattr(cli, "serve_stdio", fake_serve_stdio)
    assert main([]) == 0
    assert len(served) == 2
    options = served[1]
    assert isinstance(options, dict) and options["drain_timeout_s"] == 7.0  # the setting reaches stdio
    assert options["drain"] is not None


def test_a_configuration_error_while_running_exits_2_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def busy(server: object, **options: object) -> None:
        raise ConfigurationError("port 9 is already in use; pick another")

    monkeypatch.setattr(cli, "serve_stdio", busy)
    assert main([]) == EXIT_CONFIG
    assert "zen-server: configuration error: port 9 is already in use" in capsys.readouterr().err


def test_a_second_ctrl_c_during_shutdown_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    async def interrupted(server: object, **options: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "serve_stdio", interrupted)
    assert main([]) == 130
