"""ZenInstance without a real zen_server: fake processes, a fake HTTP client, a fake clock."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

import harness.cluster.instance as inst_mod
from harness.cluster.instance import ZenInstance, free_port, zen_server_argv
from harness.errors import ClusterError


class FakeProcess:
    def __init__(self, *, pid: int = 4242, returncode: int | None = None, exits: bool = True) -> None:
        self.pid = pid
        self.returncode = returncode
        self.exits = exits
        self.signals: list[int] = []

    def poll(self) -> int | None:
        return self.returncode

    def send_signal(self, signum: int) -> None:
        self.signals.append(signum)
        if self.exits:
            self.returncode = 0


def make(tmp_path: Path, **kw: Any) -> ZenInstance:
    return ZenInstance("zen1", {"A": "1"}, tmp_path / "zen1.log", **kw)


def test_free_port_is_a_usable_port() -> None:
    assert 0 < free_port() < 65536


def test_argv_prefers_the_script_beside_the_interpreter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "zen-server").write_text("")
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    assert zen_server_argv() == [str(tmp_path / "zen-server")]


def test_argv_falls_back_to_path_then_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setattr("harness.launcher.commands.shutil.which", lambda name: "/opt/bin/zen-server")
    assert zen_server_argv() == ["/opt/bin/zen-server"]
    monkeypatch.setattr("harness.launcher.commands.shutil.which", lambda name: None)
    assert zen_server_argv() == [str(tmp_path / "python"), "-m", "zen_server"]


def test_pid_and_running_follow_the_process(tmp_path: Path) -> None:
    never = make(tmp_path)
    assert never.pid is None and not never.running
    assert never.base_url == f"http://127.0.0.1:{never.port}"
    alive = make(tmp_path)
    alive._process = FakeProcess()  # type: ignore[assignment]
    assert alive.pid == 4242 and alive.running
    exited = make(tmp_path)
    exited._process = FakeProcess(returncode=1)  # type: ignore[assignment]
    assert exited.pid is None and not exited.running


def test_spawn_runs_the_argv_with_the_port_and_logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = "import sys; print(' '.join(sys.argv[1:]))"
    monkeypatch.setattr(inst_mod, "zen_server_argv", lambda: [sys.executable, "-c", code])
    instance = make(tmp_path)
    process = instance._spawn()
    assert process.wait(timeout=30) == 0
    logged = (tmp_path / "zen1.log").read_text()
    assert f"--transport http --host 127.0.0.1 --port {instance.port}" in logged


class FakeClient:
    def __init__(self, answers: list[int | Exception]) -> None:
        self.answers = answers
        self.urls: list[str] = []

    async def __aenter__(self) -> FakeClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def get(self, url: str) -> SimpleNamespace:
        self.urls.append(url)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return SimpleNamespace(status_code=answer)


async def test_start_waits_until_ready_through_http_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = FakeClient([httpx.ConnectError("refused"), 200])
    monkeypatch.setattr(httpx, "AsyncClient", lambda **kw: client)
    instance = make(tmp_path)
    monkeypatch.setattr(instance, "_spawn", lambda: FakeProcess())
    await instance.start()
    assert instance.starts == 1 and instance.running
    assert client.urls == [f"{instance.base_url}/ready"] * 2


async def test_start_reports_an_exit_with_the_log_tail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(httpx, "AsyncClient", lambda **kw: FakeClient([]))
    instance = make(tmp_path)
    (tmp_path / "zen1.log").write_text("boom: bad config\n")
    monkeypatch.setattr(instance, "_spawn", lambda: FakeProcess(returncode=3))
    with pytest.raises(ClusterError, match=r"zen1 exited with 3 while starting:\nboom: bad config"):
        await instance.start()


async def test_wait_ready_without_a_process_says_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(httpx, "AsyncClient", lambda **kw: FakeClient([]))
    instance = make(tmp_path)
    (tmp_path / "zen1.log").write_text("")
    with pytest.raises(ClusterError, match="exited with None"):
        await instance._wait_ready()


async def test_wait_ready_times_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(httpx, "AsyncClient", lambda **kw: FakeClient([]))
    instance = make(tmp_path, startup_timeout_s=0.0)
    instance._process = FakeProcess()  # type: ignore[assignment]
    with pytest.raises(ClusterError, match="not ready within 0s"):
        await instance._wait_ready()


async def test_kill_signals_only_a_running_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    killed: list[tuple[int, int]] = []
    process = FakeProcess()

    def fake_kill(pid: int, signum: int) -> None:
        killed.append((pid, signum))
        process.returncode = -9

    monkeypatch.setattr("harness.cluster.instance.os.kill", fake_kill)
    instance = make(tmp_path)
    await instance.kill()  # no process: nothing to do
    assert killed == []
    instance._process = process  # type: ignore[assignment]
    await instance.kill()
    assert killed == [(4242, signal.SIGKILL)]
    await instance.kill()  # already dead: no second signal
    assert len(killed) == 1


async def test_terminate_cases(tmp_path: Path) -> None:
    instance = make(tmp_path)
    assert await instance.terminate(1.0) is None  # never started
    instance._process = FakeProcess(returncode=7)  # type: ignore[assignment]
    assert await instance.terminate(1.0) == 7  # already exited
    process = FakeProcess()
    instance._process = process  # type: ignore[assignment]
    assert await instance.terminate(1.0) == 0
    assert process.signals == [signal.SIGTERM]
    instance._process = FakeProcess(exits=False)  # type: ignore[assignment]
    assert await instance.terminate(-1.0) is None  # outlived the drain


async def test_restart_refuses_a_running_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    instance = make(tmp_path)
    instance._process = FakeProcess()  # type: ignore[assignment]
    with pytest.raises(ClusterError, match="still running"):
        await instance.restart()
    started: list[bool] = []

    async def fake_start() -> None:
        started.append(True)

    monkeypatch.setattr(instance, "start", fake_start)
    instance._process = FakeProcess(returncode=0)  # type: ignore[assignment]
    await instance.restart()
    assert started == [True]


async def test_stop_kills_what_outlives_the_terminate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance = make(tmp_path)
    calls: list[str] = []

    async def terminate(timeout_s: float) -> int | None:
        calls.append(f"term {timeout_s:g}")
        return None

    async def kill() -> None:
        calls.append("kill")

    monkeypatch.setattr(instance, "terminate", terminate)
    monkeypatch.setattr(instance, "kill", kill)
    await instance.stop()
    assert calls == ["term 10", "kill"]

    async def clean(timeout_s: float) -> int | None:
        calls.append("clean")
        return 0

    monkeypatch.setattr(instance, "terminate", clean)
    await instance.stop()
    assert calls[-1] == "clean"


async def test_start_keeps_asking_while_not_ready(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client = FakeClient([503, 200])
    monkeypatch.setattr(httpx, "AsyncClient", lambda **kw: client)
    instance = make(tmp_path)
    monkeypatch.setattr(instance, "_spawn", lambda: FakeProcess())
    await instance.start()
    assert len(client.urls) == 2


class SlowToExit(FakeProcess):
    """Exits on the second look after the signal: the reap waits once, then succeeds."""

    looks_after_signal = 0

    def poll(self) -> int | None:
        if self.signals:
            self.looks_after_signal += 1
            if self.looks_after_signal > 1:
                self.returncode = 0
        return self.returncode


async def test_terminate_waits_for_a_draining_process(tmp_path: Path) -> None:
    instance = make(tmp_path)
    process = SlowToExit(exits=False)
    instance._process = process  # type: ignore[assignment]
    assert await instance.terminate(30.0) == 0
    assert process.signals == [signal.SIGTERM] and process.looks_after_signal == 2
