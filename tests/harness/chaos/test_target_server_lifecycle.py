"""The target server: started on a free port, kill -9'd, restarted, stopped, and never
handed a real provider's key; a target that cannot start is reported, not waited on."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sys
from pathlib import Path

import pytest

import harness.chaos.environment.target as target_module
from harness.chaos.environment.target import TargetServer
from harness.chaos.errors import ActionError, EnvironmentStartError
from harness.chaos.scenario import TargetSpec
from harness.chaos.sessions import SessionPool
from harness.launcher import fill, free_port, zen_server_command
from harness.mcp_client import HttpEndpoint, StdioEndpoint

FRAGILE = str(Path(__file__).with_name("fragile_server.py"))


def http_target(tmp_path: Path, **spec: object) -> TargetServer:
    target_spec = TargetSpec.model_validate(
        {
            "kind": "command",
            "transport": "http",
            "command": ["{python}", FRAGILE, "--http", "{port}"],
            "startup_timeout_s": 30,
            **spec,
        }
    )
    return TargetServer(target_spec, {}, {}, tmp_path / "target.log")


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def test_free_port_is_bindable_and_fill_replaces_only_known_placeholders() -> None:
    port = free_port()
    assert 0 < port < 65536
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))  # nobody holds it
    assert fill("{a}:{port}/{other}", {"a": "x", "port": "81"}) == "x:81/{other}"


def test_zen_server_command_prefers_the_script_next_to_the_interpreter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_python = tmp_path / "bin" / "python"
    fake_python.parent.mkdir()
    monkeypatch.setattr(sys, "executable", str(fake_python))
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert zen_server_command() == [str(fake_python), "-m", "zen_server"]
    monkeypatch.setattr(shutil, "which", lambda name: f"/somewhere/{name}")
    assert zen_server_command() == ["/somewhere/zen-server"]
    (tmp_path / "bin" / "zen-server").write_text("")
    assert zen_server_command() == [str(tmp_path / "bin" / "zen-server")]


def test_real_provider_keys_are_scrubbed_and_placeholders_filled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-real")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "real")
    monkeypatch.setenv("DIAL_API_HOST", "https://real.example")  # any provider's endpoint, by suffix
    argv = ["{python}", "srv.py", "{provider.openai.url}"]
    spec = TargetSpec(
        kind="command", transport="stdio", command=argv, env={"DEFAULT_MODEL": "m-{provider.openai.url}"}
    )
    target = TargetServer(spec, {"OPENAI_BASE_URL": "{provider.openai.url}"}, {"provider.openai.url": "http://p"},
                          tmp_path / "log")  # fmt: skip
    endpoint = target.endpoint()
    assert isinstance(endpoint, StdioEndpoint)
    assert endpoint.command == sys.executable
    assert endpoint.args == ("srv.py", "http://p")
    assert endpoint.stderr_path == str(tmp_path / "log")
    env = dict(endpoint.env)
    assert "ANTHROPIC_API_KEY" not in env and "OPENAI_API_KEY" not in env and "DIAL_API_HOST" not in env
    # What the process really gets: this environment only, not ours again on top.
    assert endpoint.inherit_env is False
    assert env["OPENAI_BASE_URL"] == "http://p" and env["DEFAULT_MODEL"] == "m-http://p"
    assert not target.managed_process and target.port == 0


def test_zen_server_over_http_gets_host_and_port_arguments(tmp_path: Path) -> None:
    target = TargetServer(TargetSpec(), {}, {}, tmp_path / "log")
    assert target.managed_process and target.port > 0
    assert target._argv[-6:] == ["--transport", "http", "--host", "127.0.0.1", "--port", str(target.port)]
    endpoint = target.endpoint()
    assert endpoint == HttpEndpoint(f"http://127.0.0.1:{target.port}/mcp")
    stdio = TargetServer(TargetSpec(transport="stdio"), {}, {}, tmp_path / "log")
    assert stdio._argv == zen_server_command()


async def test_a_url_target_is_not_started_killed_or_restarted(tmp_path: Path) -> None:
    spec = TargetSpec(kind="url", url="http://127.0.0.1:1/mcp")
    target = TargetServer(spec, {}, {}, tmp_path / "log")
    await target.start()  # nothing to start
    assert target.endpoint() == HttpEndpoint("http://127.0.0.1:1/mcp")
    assert target.pids() == [] and target.rss_mb() is None
    with pytest.raises(ActionError, match="cannot be killed"):
        await target.kill()
    with pytest.raises(ActionError, match="cannot be restarted"):
        await target.restart()
    await target.ensure_running()  # no pool, not managed: a no-op
    await target.stop()


@pytest.mark.slow
async def test_http_target_restarts_after_kill_and_stops_cleanly(tmp_path: Path) -> None:
    target = http_target(tmp_path)
    await target.start()
    try:
        assert listening(target.port)
        [pid] = target.pids()
        rss = target.rss_mb()
        assert rss is not None and rss > 1
        with pytest.raises(ActionError, match="still running"):
            await target.restart()
        await target.kill()
        assert target.pids() == []
        assert target.rss_mb() is None
        await target.kill()  # already dead: nothing to do
        await target.restart()
        [new_pid] = target.pids()
        assert new_pid != pid and listening(target.port)
        await target.ensure_running()  # already up: the same process
        assert target.pids() == [new_pid]
    finally:
        await target.stop()
    assert target.pids() == []
    await target.stop()  # stopping twice is harmless
    await target.ensure_running()  # brings a stopped server back
    try:
        assert len(target.pids()) == 1 and listening(target.port)
    finally:
        await target.stop()


async def test_a_target_that_exits_while_starting_is_reported_with_its_log(tmp_path: Path) -> None:
    target = http_target(
        tmp_path, command=["{python}", "-c", "import sys; print('boom on start'); sys.exit(3)"]
    )
    with pytest.raises(EnvironmentStartError, match=r"exited with 3 while starting(.|\n)*boom on start"):
        await target.start()


async def test_a_target_that_never_listens_times_out(tmp_path: Path) -> None:
    target = http_target(
        tmp_path, command=["{python}", "-c", "import time; time.sleep(30)"], startup_timeout_s=0.5
    )
    try:
        with pytest.raises(EnvironmentStartError, match="did not listen on port"):
            await target.start()
    finally:
        await target.stop()
    assert target.pids() == []


async def test_a_missing_executable_is_a_start_error(tmp_path: Path) -> None:
    target = http_target(tmp_path, command=[str(tmp_path / "no-such-server")])
    with pytest.raises(EnvironmentStartError, match="cannot start target"):
        await target.start()


async def test_stop_escalates_to_sigkill_when_sigterm_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(target_module, "STOP_GRACE_S", 0.3)
    code = (
        "import signal, socket, time, sys\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "s = socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen()\n"
        "time.sleep(60)\n"
    )
    target = http_target(tmp_path, command=["{python}", "-c", code, "{port}"])
    await target.start()
    [pid] = target.pids()
    await target.stop()
    assert target.pids() == []
    assert target._process is not None and target._process.returncode == -signal.SIGKILL
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


@pytest.mark.slow
async def test_stdio_kill_holds_the_sessions_until_restart(tmp_path: Path) -> None:
    import anyio

    spec = TargetSpec(kind="command", transport="stdio", command=["{python}", FRAGILE])
    target = TargetServer(spec, {}, {}, tmp_path / "log")
    pool = SessionPool(target.endpoint, 2, init_timeout_s=30)
    target.pool = pool
    async with anyio.create_task_group() as group:
        pool.start(group)
        try:
            assert await pool.wait_connected(30)
            before = sorted(target.pids())
            assert len(before) == 2
            await target.kill()
            with anyio.fail_after(10):
                for _ in range(600):  # polls a process's state; fail_after bounds it
                    if not (target.pids()):
                        break
                    await anyio.sleep(0.05)
            await anyio.sleep(0.5)  # held: no slot respawns its server meanwhile
            assert target.pids() == []
            await target.restart()
            assert await pool.wait_connected(30)
            after = sorted(target.pids())
            assert len(after) == 2 and not set(after) & set(before)
            await target.kill()
            await target.ensure_running()  # also releases the hold
            assert await pool.wait_connected(30)
        finally:
            pool.stop()
