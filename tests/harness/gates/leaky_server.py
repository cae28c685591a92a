"""A deliberately leaky MCP server: from its first ``chat`` on, it keeps memory it never frees.

Used to show the memory gate red. The leak follows the wall clock (30 MB a second, caught
up on every tick, capped at 400 MiB), not the number of calls, so a soak of any length
sees it grow steadily however slowly a busy machine lets the calls through; a leak per
call would depend on the machine's throughput and could stay under the gate's 100 MB.
Run: ``python leaky_server.py --http PORT``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid

from mcp.server.mcpserver import MCPServer

server = MCPServer("leaky")
KEPT: list[bytearray] = []
RATE = 30 * 1024 * 1024  # bytes a second
CHUNK = 1024 * 1024
CAP = 400 * 1024 * 1024  # enough to break a 100 MB gate, bounded so the machine is safe
_leaking: asyncio.Task[None] | None = None


async def leak() -> None:
    started = time.monotonic()
    while len(KEPT) * CHUNK < CAP:
        due = min(CAP, RATE * (time.monotonic() - started))
        while len(KEPT) * CHUNK < due:
            KEPT.append(bytearray(b"x" * CHUNK))  # touched, so it counts in RSS
        await asyncio.sleep(0.1)


@server.tool()
async def chat(
    prompt: str,
    model: str | None = None,
    working_directory_absolute_path: str | None = None,
    continuation_id: str | None = None,
) -> str:
    """Answer, and start keeping memory for no reason."""
    global _leaking
    if _leaking is None:
        _leaking = asyncio.get_running_loop().create_task(leak())
    await asyncio.sleep(0.1)
    thread = continuation_id or str(uuid.uuid4())
    return json.dumps(
        {"status": "success", "content": "ok", "continuation_offer": {"continuation_id": thread}}
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--http", type=int, required=True)
    server.run("streamable-http", host="127.0.0.1", port=parser.parse_args().http)


if __name__ == "__main__":
    main()
