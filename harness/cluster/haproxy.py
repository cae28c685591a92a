"""A real HAProxy in front of the instances: config from the template, process, server states.

The config is rendered from ``haproxy.cfg.template`` (kept beside this module; deploy/
holds it rendered for three instances). The process runs in the foreground (``-db``) with
an admin stats socket in the cluster's scratch directory, which :meth:`HAProxy.server_states`
reads to tell when an instance is in or out of rotation.
"""

from __future__ import annotations

import asyncio
import csv
import importlib.resources
import io
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from string import Template

from harness.errors import ClusterError, ClusterToolMissing
from harness.launcher.stopping import terminate_then_kill

START_TIMEOUT_S = 15.0
STOP_GRACE_S = 5.0
BACKEND = "zen"
INSTALL_HINT = "install it (Debian/Ubuntu: apt-get install haproxy)"


@dataclass(frozen=True, slots=True)
class Backend:
    name: str
    host: str
    port: int


def template_text() -> str:
    return importlib.resources.files("harness.cluster").joinpath("haproxy.cfg.template").read_text("utf-8")


def render_config(
    *, bind: str, servers: Sequence[Backend], stats_socket: str, check_interval_ms: int = 300
) -> str:
    """The HAProxy config for ``servers`` behind ``bind`` (host:port)."""
    active = [f"    server {s.name} {s.host}:{s.port} check" for s in servers]
    # The same instances again, unchecked: used only when every checked one is DOWN.
    fail_open = [f"    server {s.name}-failopen {s.host}:{s.port} backup" for s in servers]
    lines = "\n".join([*active, *fail_open])
    return Template(template_text()).substitute(
        bind=bind, servers=lines, stats_socket=stats_socket, check_interval_ms=check_interval_ms
    )


def haproxy_executable() -> str:
    found = shutil.which("haproxy") or next(
        (p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy") if Path(p).exists()), None
    )
    if found is None:
        raise ClusterToolMissing(f"the cluster needs HAProxy, which is not installed: {INSTALL_HINT}")
    return found


class HAProxy:
    """One haproxy process serving ``config`` (written to ``workdir``)."""

    def __init__(
        self, workdir: Path, *, port: int, servers: Sequence[Backend], check_interval_ms: int
    ) -> None:
        self._dir = workdir.resolve()
        self.port = port
        # HAProxy wants an absolute path, and one of at most 97 bytes.
        self.socket_path = self._dir / "haproxy.sock"
        if len(str(self.socket_path)) > 90:  # HAProxy allows 97 bytes
            self.socket_path = Path(tempfile.mkdtemp(prefix="zen-haproxy-")) / "haproxy.sock"
        self.config_path = self._dir / "haproxy.cfg"
        self.log_path = self._dir / "haproxy.log"
        self._config = render_config(
            bind=f"127.0.0.1:{port}",
            servers=servers,
            stats_socket=str(self.socket_path),
            check_interval_ms=check_interval_ms,
        )
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    async def start(self) -> None:
        executable = haproxy_executable()
        self._dir.mkdir(parents=True, exist_ok=True)
        self._process = self._spawn(executable)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:  # fail-safe bound on waiting for the listener
            if self._process.poll() is not None:
                raise ClusterError(f"haproxy exited while starting: {self.log_path.read_text()[-1500:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                await asyncio.sleep(0.05)
        raise ClusterError(f"haproxy did not listen on port {self.port} within {START_TIMEOUT_S}s")

    def _spawn(self, executable: str) -> subprocess.Popen[bytes]:
        self.config_path.write_text(self._config)
        check = subprocess.run(
            [executable, "-c", "-f", str(self.config_path)], capture_output=True, text=True, check=False
        )
        if check.returncode != 0:
            raise ClusterError(f"HAProxy refused the generated config:\n{check.stdout}{check.stderr}")
        with self.log_path.open("ab") as log:
            return subprocess.Popen(
                [executable, "-db", "-f", str(self.config_path)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
            )  # fmt: skip

    async def server_states(self) -> dict[str, str]:
        """Backend server name -> HAProxy's status for it ("UP", "DOWN", "MAINT", ...)."""
        try:
            reader, writer = await asyncio.open_unix_connection(str(self.socket_path))
        except OSError as exc:
            raise ClusterError(f"HAProxy's stats socket does not answer: {exc}") from exc
        try:
            writer.write(b"show stat\n")
            await writer.drain()
            raw = await reader.read()
        finally:
            writer.close()
        text = raw.decode("utf-8", "replace").lstrip("# ")
        states: dict[str, str] = {}
        for row in csv.DictReader(io.StringIO(text)):
            if row.get("pxname") == BACKEND and row.get("svname") not in {"FRONTEND", "BACKEND"}:
                states[str(row["svname"])] = str(row.get("status", "")).split(" ")[0]
        return states

    async def stop(self) -> None:
        process = self._process
        if process is not None and await terminate_then_kill(process, STOP_GRACE_S):
            process.wait()  # SIGKILL cannot be ignored: block until it is reaped for certain


__all__ = ["Backend", "HAProxy", "haproxy_executable", "render_config", "template_text"]
