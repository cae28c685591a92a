"""zen-harness proxy: the subcommand registry, a subprocess server, --config and failures."""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli import Subcommand, build_parser, load_subcommands
from harness.errors import ToxiproxyUnavailable
from harness.proxy.process import ToxiproxyProcess
from harness.toxiproxy_client import SyncToxiproxyClient

LAUNCH = "import sys; from harness.cli import main; sys.exit(main())"


def test_registry_builds_a_subparser_per_subcommand() -> None:
    seen: list[str] = []

    def configure(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--who")

    def run(args: argparse.Namespace) -> int:
        seen.append(args.who)
        return 7

    parser = build_parser(
        [*load_subcommands(["harness.proxy.command"]), Subcommand("hello", "say hello", configure, run)]
    )
    args = parser.parse_args(["hello", "--who", "me"])
    assert args._run(args) == 7 and seen == ["me"]
    assert parser.parse_args(["proxy", "--port", "0"]).port == 0


def test_a_module_without_subcommand_is_refused() -> None:
    with pytest.raises(TypeError, match="must define SUBCOMMAND"):
        load_subcommands(["harness.errors"])


@pytest.mark.e2e
def test_subprocess_proxy_reports_its_real_port_and_loads_config(tmp_path: Path) -> None:
    config = tmp_path / "proxies.json"
    config.write_text(
        json.dumps([{"name": "from-config", "upstream": "127.0.0.1:9", "listen": "127.0.0.1:0"}])
    )
    process = ToxiproxyProcess(config=config, lifetime=30)
    with process:
        assert not process.url.endswith(":8474")
        with SyncToxiproxyClient(process.url) as client:
            assert list(client.proxies()) == ["from-config"]
    assert process.stop() is not None


@pytest.mark.e2e
def test_subprocess_fails_cleanly_on_a_bad_config(tmp_path: Path) -> None:
    with pytest.raises(ToxiproxyUnavailable, match="cannot read proxy config"):
        ToxiproxyProcess(config=tmp_path / "missing.json", lifetime=10).start()


@pytest.mark.e2e
def test_api_port_in_use_exits_with_status_2() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = str(taken.getsockname()[1])
        result = subprocess.run(
            [sys.executable, "-c", LAUNCH, "proxy", "--port", port, "--lifetime", "5"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 2
    assert "address already in use" in result.stderr.lower()
