"""``zen-harness proxy`` run in this process: ready line, --lifetime, and exit 2 on bad input."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from harness.cli import main
from harness.proxy.command import READY_PREFIX


def test_proxy_prints_its_real_port_and_stops_after_its_lifetime(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["proxy", "--port", "0", "--lifetime", "0.2"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"{READY_PREFIX}http://127.0.0.1:")
    assert int(line.rsplit(":", 1)[1]) > 0


def test_a_config_entry_without_a_name_exits_2_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "proxies.json"
    config.write_text(json.dumps([{"upstream": "127.0.0.1:1"}]))
    assert main(["proxy", "--port", "0", "--lifetime", "5", "--config", str(config)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # never claimed to be ready
    assert (
        captured.err == f"zen-harness proxy: proxy config {config}: missing required field: name at proxy 1\n"
    )


def test_a_busy_api_port_exits_2_with_the_bind_error(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert main(["proxy", "--port", str(port), "--lifetime", "5"]) == 2
    assert f"listen tcp 127.0.0.1:{port}: bind: address already in use" in capsys.readouterr().err
