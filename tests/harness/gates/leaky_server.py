"""A deliberately leaky MCP server: every ``chat`` keeps 256 KiB forever (capped at 300 MiB).

Used to show the memory gate red. It answers after 0.1 s, in zen's reply shape, so the
leak grows steadily through a soak (about 20 MB/s with 8 callers) instead of all at once.
Run: ``python leaky_server.py --http PORT``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import uuid

from mcp.server.mcpserver import MCPServer

server = MCPServer("leaky")
KEPT: list[bytearray] = []
CHUNK = 256 * 1024
CAP = 300 * 1024 * 1024 // CHUNK  # enough to break a 100 MB gate, bounded so the machine is safe


@server.tool()
async def chat(
    prompt: str,
    model: str | None = None,
    working_directory_absolute_path: str | None = None,
    continuation_id: str | None = None,
) -> str:
    """Answer, and keep a quarter megabyte for no reason."""
    await asyncio.sleep(0.1)
    if len(KEPT) < CAP:
        KEPT.append(bytearray(b"x" * CHUNK))  # touched, so it counts in RSS
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
