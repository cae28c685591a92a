"""HAProxy's runtime API (the admin stats socket): add, drain and delete backend servers live.

HAProxy 2.6 adds a server to a running backend with ``add server`` (it starts in
maintenance; ``enable health`` and ``enable server`` put it in rotation once its checks
pass) and removes one with ``del server`` once it is in maintenance with no connections.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from harness.cluster.haproxy import BACKEND
from harness.errors import ClusterError


async def runtime_command(socket_path: Path, command: str) -> str:
    try:
        reader, writer = await asyncio.open_unix_connection(str(socket_path))
    except OSError as exc:
        raise ClusterError(f"HAProxy's runtime API does not answer: {exc}") from exc
    try:
        writer.write(command.encode() + b"\n")
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    return raw.decode("utf-8", "replace").strip()


async def add_server(socket_path: Path, name: str, host: str, port: int) -> None:
    answer = await runtime_command(socket_path, f"add server {BACKEND}/{name} {host}:{port} check")
    if "New server registered" not in answer:
        raise ClusterError(f"HAProxy refused to add {name}: {answer}")
    for command in (f"enable health {BACKEND}/{name}", f"enable server {BACKEND}/{name}"):
        answer = await runtime_command(socket_path, command)
        if answer:
            raise ClusterError(f"HAProxy refused {command!r}: {answer}")


async def drain_server(socket_path: Path, name: str) -> None:
    """No new sessions to ``name``; sessions it holds finish (the instance drains them too)."""
    answer = await runtime_command(socket_path, f"set server {BACKEND}/{name} state drain")
    if answer:
        raise ClusterError(f"HAProxy refused to drain {name}: {answer}")


async def delete_server(socket_path: Path, name: str) -> None:
    await runtime_command(socket_path, f"set server {BACKEND}/{name} state maint")
    answer = await runtime_command(socket_path, f"del server {BACKEND}/{name}")
    if "Server deleted" not in answer:
        raise ClusterError(f"HAProxy refused to delete {name}: {answer}")


__all__ = ["add_server", "delete_server", "drain_server", "runtime_command"]
