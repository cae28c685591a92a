"""The reference for issue 21's ratios: a bare MCP SDK server making the same provider call.

One tool, ``chat``, that posts the prompt to the OpenAI-compatible provider at
``CUSTOM_API_URL`` (the fake, in the benchmark) with one shared ``httpx.AsyncClient``
and returns the answer in zen's reply shape. No admission, deadline, breaker, retry,
conversation store, validation or observability: the SDK's own ceiling for one provider
hop, which zen_server's figures are divided by. Run: ``python bare_sdk_server.py`` (stdio)
or ``python bare_sdk_server.py --http PORT``.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from typing import Any

import httpx
from mcp.server.mcpserver import MCPServer

server = MCPServer("bare", log_level="ERROR")  # zen runs at LOG_LEVEL=ERROR in the benchmark too
_client: httpx.AsyncClient | None = None


def _provider() -> httpx.AsyncClient:
    global _client
    if _client is None:
        base = os.environ["CUSTOM_API_URL"].rstrip("/")
        _client = httpx.AsyncClient(base_url=base, timeout=60.0)
    return _client


@server.tool()
async def chat(
    prompt: str,
    model: str | None = None,
    working_directory_absolute_path: str | None = None,
    continuation_id: str | None = None,
) -> str:
    """Ask the provider once."""
    response = await _provider().post(
        "/chat/completions",
        json={"model": model or "llama3.2", "messages": [{"role": "user", "content": prompt}]},
        headers={"Authorization": "Bearer bare"},
    )
    response.raise_for_status()
    body: Any = response.json()
    return json.dumps(
        {
            "status": "continuation_available",
            "content": body["choices"][0]["message"]["content"],
            "continuation_offer": {"continuation_id": continuation_id or str(uuid.uuid4())},
        }
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--http":  # streamable HTTP at 127.0.0.1:PORT/mcp
        server.run("streamable-http", host="127.0.0.1", port=int(sys.argv[2]))
    else:
        server.run()
