"""HAProxy's process handling without HAProxy: fake executables, a fake stats socket, a fake clock."""

from __future__ import annotations

import asyncio
import shutil
import signal
import socket
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

import harness.cluster.haproxy as hap_mod
import harness.launcher.stopping as stopping
from harness.cluster.haproxy import Backend, HAProxy, haproxy_executable
from harness.errors import ClusterError, ClusterToolMissing

SERVERS = [Backend("zen1", "127.0.0.1", 9001)]


class FakeProcess:
    def __init__(self, *, returncode: int | None = None, dies: bool = True) -> None:
        self.pid = 777
        self.returncode = returncode
        self.dies = dies
        self.calls: list[str] = []

    def poll(self) -> int | None:
        return self.returncode

    def terminate(self) -> None:
        self.calls.append("terminate")
        if self.dies:
            self.returncode = -signal.SIGTERM

    def kill(self) -> None:
        self.calls.append("kill")
        self.returncode = -signal.SIGKILL

    def wait(self) -> int | None:
        self.calls.append("wait")
        return self.returncode


def clock(*values: float) -> SimpleNamespace:
    it: Iterator[float] = iter(values)
    return SimpleNamespace(monotonic=lambda: next(it))


def make(workdir: Path, port: int = 9000) -> HAProxy:
    return HAProxy(workdir, port=port, servers=SERVERS, check_interval_ms=100)


def test_missing_haproxy_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("harness.cluster.haproxy.shutil.which", lambda name: None)
    monkeypatch.setattr(hap_mod, "Path", lambda p: SimpleNamespace(exists=lambda: False))
    with pytest.raises(ClusterToolMissing, match="apt-get install haproxy"):
        haproxy_executable()


def test_haproxy_found_in_sbin_when_not_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("harness.cluster.haproxy.shutil.which", lambda name: None)
    monkeypatch.setattr(
        hap_mod, "Path", lambda p: SimpleNamespace(exists=lambda: p == "/usr/local/sbin/haproxy")
    )
    assert haproxy_executable() == "/usr/local/sbin/haproxy"


def test_paths_and_a_long_socket_path_moves_to_a_short_dir(tmp_path: Path) -> None:
    short = make(tmp_path / "h")
    assert short.socket_path == (tmp_path / "h").resolve() / "haproxy.sock"
    assert short.config_path.name == "haproxy.cfg" and short.pid is None
    long_dir = tmp_path / ("x" * 100)
    proxy = make(long_dir)
    assert len(str(proxy.socket_path)) <= 97
    assert proxy.socket_path.parent != long_dir.resolve()
    shutil.rmtree(proxy.socket_path.parent)


def fake_haproxy(tmp_path: Path, check_status: int) -> str:
    script = tmp_path / "haproxy"
    script.write_text(
        f'#!/bin/sh\nif [ "$1" = "-c" ]; then echo "config says $3"; exit {check_status}; fi\nexec sleep 30\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_spawn_refuses_a_config_haproxy_rejects(tmp_path: Path) -> None:
    proxy = make(tmp_path / "h")
    (tmp_path / "h").mkdir()
    with pytest.raises(ClusterError, match="refused the generated config:\nconfig says"):
        proxy._spawn(fake_haproxy(tmp_path, 1))
    assert "server zen1 127.0.0.1:9001 check" in proxy.config_path.read_text()


async def test_spawn_then_stop_terminates_the_process(tmp_path: Path) -> None:
    proxy = make(tmp_path / "h")
    (tmp_path / "h").mkdir()
    proxy._process = proxy._spawn(fake_haproxy(tmp_path, 0))
    assert proxy.pid is not None
    await proxy.stop()
    assert proxy.pid is None


async def test_stop_without_a_process_or_after_exit_does_nothing(tmp_path: Path) -> None:
    proxy = make(tmp_path)
    await proxy.stop()
    exited = FakeProcess(returncode=0)
    proxy._process = exited  # type: ignore[assignment]
    await proxy.stop()
    assert exited.calls == []


async def test_stop_kills_a_process_that_ignores_sigterm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = make(tmp_path)
    stubborn = FakeProcess(dies=False)
    proxy._process = stubborn  # type: ignore[assignment]
    monkeypatch.setattr(stopping, "time", clock(0.0, 100.0, 100.0))
    await proxy.stop()
    assert stubborn.calls == ["terminate", "kill", "wait"]


async def test_start_reports_an_early_exit_with_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = make(tmp_path / "h")
    monkeypatch.setattr(hap_mod, "haproxy_executable", lambda: "/bin/haproxy")
    (tmp_path / "h").mkdir()
    proxy.log_path.write_text("[ALERT] cannot bind\n")
    monkeypatch.setattr(proxy, "_spawn", lambda executable: FakeProcess(returncode=1))
    with pytest.raises(ClusterError, match=r"exited while starting: \[ALERT\] cannot bind"):
        await proxy.start()


async def test_start_returns_once_the_port_listens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        proxy = make(tmp_path / "h", port=listener.getsockname()[1])
        monkeypatch.setattr(hap_mod, "haproxy_executable", lambda: "/bin/haproxy")
        seen: list[str] = []

        def spawn(executable: str) -> FakeProcess:
            seen.append(executable)
            return FakeProcess()

        monkeypatch.setattr(proxy, "_spawn", spawn)
        await proxy.start()
    assert seen == ["/bin/haproxy"] and (tmp_path / "h").is_dir()


async def test_start_gives_up_when_nothing_listens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = make(tmp_path / "h", port=1)  # nothing listens on port 1
    monkeypatch.setattr(hap_mod, "haproxy_executable", lambda: "/bin/haproxy")
    monkeypatch.setattr(proxy, "_spawn", lambda executable: FakeProcess())
    monkeypatch.setattr(hap_mod, "time", clock(0.0, 0.0, 100.0))
    with pytest.raises(ClusterError, match="did not listen on port 1 within"):
        await proxy.start()


async def test_server_states_without_a_socket(tmp_path: Path) -> None:
    proxy = make(tmp_path)
    with pytest.raises(ClusterError, match="stats socket does not answer"):
        await proxy.server_states()


async def test_server_states_reads_the_backend_rows(tmp_path: Path) -> None:
    short = Path(tempfile.mkdtemp(prefix="zh-"))
    proxy = make(tmp_path)
    proxy.socket_path = short / "s.sock"
    asked: list[bytes] = []
    table = (
        "# pxname,svname,status\n"
        "zen,FRONTEND,OPEN\nzen,zen1,UP 1/2\nzen,zen2,DOWN\nzen,BACKEND,UP\nother,zen3,UP\n"
    )

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        asked.append(await reader.readline())
        writer.write(table.encode())
        await writer.drain()
        writer.close()

    server = await asyncio.start_unix_server(answer, path=str(proxy.socket_path))
    try:
        assert await proxy.server_states() == {"zen1": "UP", "zen2": "DOWN"}
    finally:
        server.close()
        await server.wait_closed()
        shutil.rmtree(short)
    assert asked == [b"show stat\n"]
