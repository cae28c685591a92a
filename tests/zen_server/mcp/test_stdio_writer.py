"""The stdio reply writer: replies already queued leave in one write, in order, none lost."""

from __future__ import annotations

import os

import anyio
import pytest

from zen_server.mcp import stdio


def _drain(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


async def test_queued_replies_are_written_together_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    writes: list[bytes] = []
    real_write_all = stdio._write_all

    def recording_write_all(fd: int, data: bytes) -> None:
        writes.append(data)
        real_write_all(fd, data)

    monkeypatch.setattr(stdio, "_write_all", recording_write_all)
    read_fd, write_fd = os.pipe()
    send, receive = anyio.create_memory_object_stream[str](16)
    replies = [f'{{"id": {n}}}\n' for n in range(5)]
    async with send:
        for reply in replies:
            send.send_nowait(reply)  # all queued before the writer runs: one batch
    await stdio._write_replies(receive, write_fd)
    os.close(write_fd)
    try:
        assert _drain(read_fd) == "".join(replies).encode()
    finally:
        os.close(read_fd)
    assert len(writes) == 1


async def test_a_batch_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    writes: list[int] = []
    monkeypatch.setattr(stdio, "_write_all", lambda fd, data: writes.append(data.count(b"\n")))
    send, receive = anyio.create_memory_object_stream[str](stdio._WRITE_BATCH * 3)
    async with send:
        for n in range(stdio._WRITE_BATCH * 2 + 1):
            send.send_nowait(f"{n}\n")
    await stdio._write_replies(receive, -1)
    assert writes == [stdio._WRITE_BATCH, stdio._WRITE_BATCH, 1]
