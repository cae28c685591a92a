"""The harness's own ``redis-server``: a Redis a scenario may kill -9 and restart.

Never the machine's shared Redis: this one runs on a free loopback port, in the run's
scratch directory, with ``appendonly yes`` and ``appendfsync always``, so a write Redis
acknowledged survives kill -9 and comes back on restart (that is what the restart
scenarios prove for the server's acknowledged turns). ``threads`` reads what it holds
for a key prefix, for the integrity hypothesis: the check is against Redis, not only
against what clients were told.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import anyio
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from harness.chaos.errors import ActionError, EnvironmentStartError
from harness.launcher.stopping import KILL_REAP_S, terminate_then_kill, wait_exit

START_TIMEOUT_S = 10.0
STOP_GRACE_S = 5.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """Starts, kills (SIGKILL), restarts and stops one redis-server; implements ``RedisControl``."""

    def __init__(self, workdir: Path, *, executable: str | None = None) -> None:
        self._dir = workdir / "redis"
        self._executable = executable or shutil.which("redis-server")
        self.port = free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"redis://{self.address}/0"

    def pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    async def start(self) -> None:
        if self._executable is None:
            raise EnvironmentStartError(
                "this scenario needs redis-server, which is not installed "
                "(Debian: apt-get install redis-server)"
            )
        self._process = self._spawn(self._executable)
        await self._wait_ready()

    def _spawn(self, executable: str) -> subprocess.Popen[bytes]:
        self._dir.mkdir(parents=True, exist_ok=True)
        argv = [
            executable,
            "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self._dir),
            "--appendonly", "yes", "--appendfsync", "always", "--save", "",
            "--daemonize", "no", "--logfile", str(self._dir / "redis.log"),
        ]  # fmt: skip
        try:
            return subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True,
            )  # fmt: skip
        except OSError as exc:
            raise EnvironmentStartError(f"cannot start redis-server: {exc}") from exc

    async def _wait_ready(self) -> None:
        client = aioredis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + START_TIMEOUT_S
        try:
            while time.monotonic() < deadline:  # fail-safe bound on waiting for PONG
                if self._process is None or self._process.poll() is not None:
                    log = self._dir / "redis.log"
                    tail = log.read_text(errors="replace")[-800:] if log.exists() else ""
                    raise EnvironmentStartError(f"redis-server exited while starting:\n{tail}")
                try:
                    if await client.ping():
                        return
                except RedisError:
                    await anyio.sleep(0.05)
        finally:
            await client.aclose()
        raise EnvironmentStartError(
            f"redis-server did not answer on port {self.port} within {START_TIMEOUT_S}s"
        )

    async def kill(self) -> None:
        """SIGKILL: no shutdown save, no goodbye (the AOF must carry every acknowledged write)."""
        process = self._process
        if process is not None and process.poll() is None:
            process.kill()
            await wait_exit(process, KILL_REAP_S)

    async def restart(self) -> None:
        if self.pid() is not None:
            raise ActionError("restart_redis: redis-server is still running (kill it first)")
        await self.start()

    async def ensure_running(self) -> None:
        if self.pid() is None:
            await self.start()

    async def stop(self) -> None:
        await terminate_then_kill(self._process, STOP_GRACE_S)

    async def threads(self, prefix: str) -> dict[str, list[str]]:
        """Every stored thread under ``prefix``: server thread id -> its turn records (JSON text)."""
        client = aioredis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=2, socket_timeout=5)
        out: dict[str, list[str]] = {}
        try:
            async for key in client.scan_iter(match=f"{prefix}turns:*", count=1000):
                name = _text(key)
                thread_id = name[len(f"{prefix}turns:") :].strip("{}")
                blobs = await client.lrange(name, 0, -1)
                out[thread_id] = [_text(blob) for blob in blobs]
        finally:
            await client.aclose()
        return out


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


async def connections_received(port: int) -> int:
    """How many client connections this redis-server accepted since it started (INFO stats):
    above the server's pool size, the difference is reconnects after resets and outages."""
    client = aioredis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=2, socket_timeout=5)
    try:
        stats = await client.info("stats")
    finally:
        await client.aclose()
    return int(stats.get("total_connections_received", 0))


class NoRedis:
    """The ``RedisControl`` of a scenario without a ``redis:`` section: every action is refused."""

    async def kill(self) -> None:
        raise ActionError("this scenario has no 'redis:' section, so there is no Redis to kill")

    async def restart(self) -> None:
        raise ActionError("this scenario has no 'redis:' section, so there is no Redis to restart")

    async def ensure_running(self) -> None:
        return None


__all__ = ["NoRedis", "RedisServer", "connections_received", "free_port"]
