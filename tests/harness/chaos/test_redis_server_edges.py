"""RedisServer's error paths, with the process faked (no redis-server is started here)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import harness.chaos.environment.redis_server as redis_server
from harness.chaos.environment.redis_server import NoRedis, RedisServer, _text
from harness.chaos.errors import ActionError, EnvironmentStartError


class FakeProcess:
    def __init__(self, returncode: int | None = None, *, dies_on_terminate: bool = True) -> None:
        self.pid = 4242
        self.returncode = returncode
        self.calls: list[str] = []
        self._dies_on_terminate = dies_on_terminate

    def poll(self) -> int | None:
        return self.returncode

    def terminate(self) -> None:
        self.calls.append("terminate")
        if self._dies_on_terminate:
            self.returncode = -15

    def kill(self) -> None:
        self.calls.append("kill")
        self.returncode = -9


def server(tmp_path: Path, process: FakeProcess | None = None) -> RedisServer:
    redis = RedisServer(tmp_path, executable="/nonexistent/redis-server")
    redis._process = process  # type: ignore[assignment]
    return redis


def test_address_url_and_pid(tmp_path: Path) -> None:
    redis = server(tmp_path)
    assert redis.url == f"redis://127.0.0.1:{redis.port}/0" and redis.pid() is None
    redis._process = FakeProcess()  # type: ignore[assignment]
    assert redis.pid() == 4242
    redis._process = FakeProcess(returncode=0)  # type: ignore[assignment]
    assert redis.pid() is None


async def test_start_without_redis_server_installed_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(EnvironmentStartError, match="apt-get install redis-server"):
        await RedisServer(tmp_path).start()


async def test_an_executable_that_cannot_run_is_a_start_error(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentStartError, match="cannot start redis-server"):
        await server(tmp_path).start()


async def test_a_process_that_exits_while_starting_shows_its_log_tail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    redis = server(tmp_path)

    def spawn(executable: str) -> Any:
        redis._dir.mkdir(parents=True, exist_ok=True)
        (redis._dir / "redis.log").write_text("x" * 1000 + "FATAL bad config")
        return FakeProcess(returncode=1)

    monkeypatch.setattr(redis, "_spawn", spawn)
    with pytest.raises(EnvironmentStartError, match=r"exited while starting:\n.*FATAL bad config") as info:
        await redis.start()
    assert len(str(info.value)) < 900  # only the tail of the log


async def test_exit_without_a_log_and_a_start_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    redis = server(tmp_path)
    monkeypatch.setattr(redis, "_spawn", lambda executable: FakeProcess(returncode=1))
    with pytest.raises(EnvironmentStartError, match=r"exited while starting:\n$"):
        await redis.start()
    monkeypatch.setattr(redis_server, "START_TIMEOUT_S", 0.0)
    monkeypatch.setattr(redis, "_spawn", lambda executable: FakeProcess())
    with pytest.raises(EnvironmentStartError, match="did not answer on port"):
        await redis.start()


async def test_restart_refuses_a_running_server_and_ensure_running_starts_a_dead_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    redis = server(tmp_path, FakeProcess())
    with pytest.raises(ActionError, match="still running"):
        await redis.restart()
    started: list[bool] = []

    async def fake_start() -> None:
        started.append(True)

    monkeypatch.setattr(redis, "start", fake_start)
    await redis.ensure_running()
    assert started == []
    redis._process = FakeProcess(returncode=-9)  # type: ignore[assignment]
    await redis.ensure_running()
    await redis.restart()
    assert started == [True, True]


async def test_kill_and_stop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    await server(tmp_path).kill()  # nothing started: nothing to do
    await server(tmp_path).stop()
    process = FakeProcess()
    await server(tmp_path, process).kill()
    assert process.calls == ["kill"]
    process = FakeProcess()
    await server(tmp_path, process).stop()
    assert process.calls == ["terminate"]
    stubborn = FakeProcess(dies_on_terminate=False)
    monkeypatch.setattr(redis_server, "STOP_GRACE_S", -1.0)  # the grace is already over
    await server(tmp_path, stubborn).stop()
    assert stubborn.calls == ["terminate", "kill"]
    dead = FakeProcess(returncode=0)
    await server(tmp_path, dead).stop()
    assert dead.calls == []


async def test_no_redis_refuses_kill_and_restart() -> None:
    with pytest.raises(ActionError, match="no Redis to kill"):
        await NoRedis().kill()
    with pytest.raises(ActionError, match="no Redis to restart"):
        await NoRedis().restart()
    await NoRedis().ensure_running()  # nothing to ensure: never refused


def test_text_decodes_bytes_and_passes_str() -> None:
    assert _text(b"a\xff") == "a\ufffd" and _text("s") == "s"


def test_popen_is_given_a_private_loopback_aof_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[list[str]] = []

    def fake_popen(argv: list[str], **kwargs: Any) -> Any:
        seen.append(argv)
        assert kwargs["start_new_session"] is True
        return FakeProcess()

    monkeypatch.setattr(subprocess, "Popen", fake_popen)
    redis = server(tmp_path)
    redis._spawn("redis-server")
    argv = seen[0]
    assert argv[argv.index("--bind") + 1] == "127.0.0.1"
    assert argv[argv.index("--appendfsync") + 1] == "always"
    assert (tmp_path / "redis").is_dir()
