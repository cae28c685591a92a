"""Starting and stopping the embedded proxy: before start, bad configs, the thread and the child."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import httpx
import pytest

from harness.errors import ProxyConfigError, ToxiproxyUnavailable
from harness.proxy import EmbeddedToxiproxy
from harness.proxy.process import ToxiproxyProcess


def test_the_url_of_a_proxy_not_started_is_an_error_not_a_guess() -> None:
    with pytest.raises(RuntimeError, match="not started; call start"):
        _ = EmbeddedToxiproxy().url


def test_stopping_a_thread_that_was_never_started_is_harmless() -> None:
    EmbeddedToxiproxy().stop_thread()


def test_an_invalid_config_fails_start_in_thread_and_creates_nothing(tmp_path: Path) -> None:
    config = tmp_path / "proxies.json"
    config.write_text(json.dumps([{"name": "ok", "upstream": "127.0.0.1:1"}, {"upstream": "127.0.0.1:2"}]))
    embedded = EmbeddedToxiproxy(config=config)
    with pytest.raises(
        ProxyConfigError, match=rf"proxy config {config}: missing required field: name at proxy 2"
    ):
        embedded.start_in_thread()
    assert embedded.collection.proxies() == {}  # the valid first entry was not created either
    with pytest.raises(RuntimeError):
        _ = embedded.url


async def test_an_invalid_config_fails_start_on_the_loop_and_leaves_no_proxy(tmp_path: Path) -> None:
    config = tmp_path / "proxies.json"
    config.write_text(json.dumps([{"name": "a", "upstream": "127.0.0.1:1"}, {"name": "b"}]))
    embedded = EmbeddedToxiproxy(config=config)
    with pytest.raises(ProxyConfigError, match=rf"proxy config {config}: missing required field: upstream"):
        await embedded.start()
    assert embedded.collection.proxies() == {}


async def test_a_config_that_is_not_a_list_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    config = tmp_path / "proxies.json"
    config.write_text(json.dumps({"name": "a", "upstream": "127.0.0.1:1"}))
    with pytest.raises(
        ProxyConfigError, match=rf"proxy config {config}: bad request body: json: cannot unmarshal object"
    ):
        await EmbeddedToxiproxy(config=config).start()


async def test_a_config_whose_listen_port_is_taken_is_a_config_error_and_nothing_stays_up(
    tmp_path: Path,
) -> None:

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        config = tmp_path / "proxies.json"
        config.write_text(
            json.dumps(
                [
                    {"name": "first", "upstream": "127.0.0.1:1", "listen": "127.0.0.1:0"},
                    {"name": "second", "upstream": "127.0.0.1:1", "listen": f"127.0.0.1:{port}"},
                ]
            )
        )
        embedded = EmbeddedToxiproxy(config=config)
        with pytest.raises(
            ProxyConfigError, match=rf"proxy config {config}: listen tcp 127.0.0.1:{port}: bind"
        ):
            await embedded.start()
    assert embedded.collection.proxies() == {}


def test_a_valid_config_serves_its_proxies_from_the_thread(tmp_path: Path) -> None:
    config = tmp_path / "proxies.json"
    config.write_text(json.dumps([{"name": "db", "upstream": "127.0.0.1:5432", "listen": "127.0.0.1:0"}]))
    with EmbeddedToxiproxy(config=config) as embedded:
        proxies = httpx.get(f"{embedded.url}/proxies").json()
    assert list(proxies) == ["db"]
    assert proxies["db"]["upstream"] == "127.0.0.1:5432"


def test_a_child_proxy_that_cannot_start_reports_why(tmp_path: Path) -> None:
    config = tmp_path / "broken.json"
    config.write_text("{not json")
    process = ToxiproxyProcess(config=config, lifetime=30)
    with pytest.raises(ToxiproxyUnavailable, match=r"did not start: .*cannot read proxy config"):
        process.start()
    assert process.stop() is not None  # stopped and reaped, exit code known


def test_stopping_a_child_that_was_never_started_returns_none() -> None:
    assert ToxiproxyProcess().stop() is None
