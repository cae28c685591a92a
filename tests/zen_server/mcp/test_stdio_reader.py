"""DaemonLineReader: whole lines from a raw fd, whatever the chunking, then EOF as ""."""

from __future__ import annotations

import asyncio
import os

from zen_server.mcp.stdio import OVERSIZED_LINE, DaemonLineReader


async def read_all(reader: DaemonLineReader) -> list[str]:
    return [line async for line in reader]


async def test_lines_survive_split_writes_and_multibyte_characters() -> None:
    read_fd, write_fd = os.pipe()
    reader = DaemonLineReader(read_fd)
    collected = asyncio.create_task(read_all(reader))
    encoded = '{"a": "héllo"}\n{"b": 2}\nlast-without-newline'.encode()
    split_inside_e_acute = encoded.index("é".encode()) + 1
    for part in (encoded[:split_inside_e_acute], encoded[split_inside_e_acute:]):
        os.write(write_fd, part)
        await asyncio.sleep(0.02)
    os.close(write_fd)
    try:
        lines = await asyncio.wait_for(collected, 5)
    finally:
        os.close(read_fd)

    assert lines == ['{"a": "héllo"}\n', '{"b": 2}\n', "last-without-newline\n"]


async def test_a_pending_read_does_not_block_cancellation() -> None:
    read_fd, write_fd = os.pipe()
    reader = DaemonLineReader(read_fd)
    pending = asyncio.create_task(reader.readline())
    await asyncio.sleep(0.05)
    pending.cancel()
    done, _ = await asyncio.wait({pending}, timeout=1)
    os.close(write_fd)  # lets the daemon thread see EOF and end
    os.close(read_fd)

    assert pending in done and pending.cancelled()


async def test_a_line_over_the_limit_is_discarded_as_it_arrives_and_reported() -> None:
    read_fd, write_fd = os.pipe()
    reader = DaemonLineReader(read_fd, max_line_bytes=64)
    collected = asyncio.create_task(read_all(reader))
    os.write(write_fd, b'{"ok": 1}\n' + b"x" * 50)
    for _ in range(20):  # 1,000 more bytes of the same line, in pieces
        os.write(write_fd, b"y" * 50)
    os.write(write_fd, b'\n{"ok": 2}\n' + b"z" * 100)
    os.close(write_fd)
    try:
        lines = await asyncio.wait_for(collected, 5)
    finally:
        os.close(read_fd)

    assert lines == ['{"ok": 1}\n', OVERSIZED_LINE, '{"ok": 2}\n', OVERSIZED_LINE]
    assert lines[1] is OVERSIZED_LINE
