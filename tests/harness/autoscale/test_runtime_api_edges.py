"""HAProxy's runtime API against an in-process stand-in of the admin socket."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from harness.autoscale.runtime_api import add_server, delete_server, drain_server, runtime_command
from harness.errors import ClusterError

Answer = Callable[[str], str]


class FakeSocket:
    """Answers each command line with ``answer(command)`` and records the commands."""

    def __init__(self, path: Path, answer: Answer) -> None:
        self.path = path
        self.answer = answer
        self.commands: list[str] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        line = (await reader.readline()).decode().strip()
        self.commands.append(line)
        writer.write(self.answer(line).encode())
        await writer.drain()
        writer.close()


@pytest.fixture
async def socket_dir() -> AsyncIterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="rt", dir="/tmp"))  # short: AF_UNIX paths are limited
    yield path
    shutil.rmtree(path, ignore_errors=True)


async def serve(socket_dir: Path, answer: Answer) -> tuple[FakeSocket, asyncio.AbstractServer]:
    fake = FakeSocket(socket_dir / "s", answer)
    server = await asyncio.start_unix_server(fake.handle, path=str(fake.path))
    return fake, server


async def test_runtime_command_sends_a_line_and_strips_the_answer(socket_dir: Path) -> None:
    fake, server = await serve(socket_dir, lambda _: "  hello\n\n")
    async with server:
        assert await runtime_command(fake.path, "show info") == "hello"
    assert fake.commands == ["show info"]


async def test_runtime_command_without_a_socket_is_a_cluster_error(socket_dir: Path) -> None:
    with pytest.raises(ClusterError, match="runtime API does not answer"):
        await runtime_command(socket_dir / "absent", "show info")


async def test_add_server_registers_then_enables_health_and_server(socket_dir: Path) -> None:
    fake, server = await serve(socket_dir, lambda c: "New server registered." if c.startswith("add") else "")
    async with server:
        await add_server(fake.path, "zen2", "127.0.0.1", 8001)
    assert fake.commands == [
        "add server zen/zen2 127.0.0.1:8001 check",
        "enable health zen/zen2",
        "enable server zen/zen2",
    ]


async def test_add_server_refused_stops_before_enabling(socket_dir: Path) -> None:
    fake, server = await serve(socket_dir, lambda _: "Already exists a server with the same name")
    async with server:
        with pytest.raises(ClusterError, match="refused to add zen2: Already exists"):
            await add_server(fake.path, "zen2", "127.0.0.1", 8001)
    assert len(fake.commands) == 1


async def test_add_server_enable_refused_names_the_command(socket_dir: Path) -> None:
    def answer(command: str) -> str:
        return "New server registered." if command.startswith("add") else "No such server."

    fake, server = await serve(socket_dir, answer)
    async with server:
        with pytest.raises(ClusterError, match="refused 'enable health zen/zen2': No such server"):
            await add_server(fake.path, "zen2", "127.0.0.1", 8001)
    assert len(fake.commands) == 2


async def test_drain_server_accepts_silence_and_refuses_an_answer(socket_dir: Path) -> None:
    answers = iter(["", "No such server."])
    fake, server = await serve(socket_dir, lambda _: next(answers))
    async with server:
        await drain_server(fake.path, "zen3")
        with pytest.raises(ClusterError, match="refused to drain zen3: No such server"):
            await drain_server(fake.path, "zen3")
    assert fake.commands == ["set server zen/zen3 state drain"] * 2


async def test_delete_server_puts_in_maintenance_then_deletes(socket_dir: Path) -> None:
    fake, server = await serve(socket_dir, lambda c: "Server deleted." if c.startswith("del") else "")
    async with server:
        await delete_server(fake.path, "zen3")
    assert fake.commands == ["set server zen/zen3 state maint", "del server zen/zen3"]


async def test_delete_server_refused_is_a_cluster_error(socket_dir: Path) -> None:
    fake, server = await serve(socket_dir, lambda _: "Server still has connections attached to it.")
    async with server:
        with pytest.raises(ClusterError, match="refused to delete zen3: Server still has connections"):
            await delete_server(fake.path, "zen3")
