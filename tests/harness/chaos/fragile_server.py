"""A deliberately fragile MCP server, kept in tests to prove the chaos harness can fail.

It has the flaws the original Zen server was measured with, on purpose:
- the provider call is a blocking HTTP request inside an async handler (one slow call
  stalls every other request: effective concurrency 1);
- no timeout and no deadline (a hanging provider hangs the call);
- no circuit breaker: every call goes to a failing provider and waits for it;
- a retry loop that re-records the user's turn on each attempt (a retried exchange
  appears several times in the thread's history: duplicated turns).

Tool ``chat`` speaks enough of zen's reply format (JSON text with ``status`` and
``continuation_offer.continuation_id``) for the harness's load to continue threads.
Run: ``python fragile_server.py`` (stdio) or ``python fragile_server.py --http PORT``.
"""

# The blocking calls inside async handlers are the point of this server.
# ruff: noqa: ASYNC251

from __future__ import annotations

import argparse
import json
import os
import time
import uuid
from typing import Any

import httpx
from mcp.server.mcpserver import MCPServer

server = MCPServer("fragile")
THREADS: dict[str, list[dict[str, str]]] = {}
RETRIES = 3


def _provider_url() -> str:
    base = os.environ.get("OPENAI_BASE_URL", "http://127.0.0.1:9/v1").rstrip("/")
    return f"{base}/chat/completions"


def _ask_provider(messages: list[dict[str, str]], model: str) -> str:
    # Blocking client, no timeout: exactly the flaw under test.
    with httpx.Client(timeout=None) as client:
        response = client.post(
            _provider_url(),
            json={"model": model, "messages": messages},
            headers={"Authorization": f"Bearer {os.environ.get('OPENAI_API_KEY', 'fragile')}"},
        )
    response.raise_for_status()
    body: Any = response.json()
    return str(body["choices"][0]["message"]["content"])


@server.tool()
async def chat(
    prompt: str,
    model: str | None = None,
    working_directory_absolute_path: str | None = None,
    continuation_id: str | None = None,
) -> str:
    """Ask the provider; continue a thread with continuation_id."""
    thread_id = continuation_id or str(uuid.uuid4())
    history = THREADS.setdefault(thread_id, [])
    last_error = ""
    for _attempt in range(RETRIES):
        history.append({"role": "user", "content": prompt})  # recorded again on every attempt
        try:
            reply = _ask_provider(list(history), model or "gpt-5")
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            last_error = f"{type(exc).__name__}: {exc}"
            time.sleep(0.2)  # blocking back-off
            continue
        history.append({"role": "assistant", "content": reply})
        return json.dumps(
            {
                "status": "continuation_available",
                "content": reply,
                "continuation_offer": {"continuation_id": thread_id},
            }
        )
    return json.dumps({"status": "error", "content": f"provider failed: {last_error}"})


@server.tool()
async def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


@server.tool()
async def block(seconds: float) -> str:
    """Sleep without yielding the event loop."""
    time.sleep(seconds)
    return f"slept {seconds}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--http", type=int, default=None, help="serve streamable HTTP on this port")
    args = parser.parse_args()
    pid_file = os.environ.get("FRAGILE_PID_FILE")
    if pid_file:  # lets tests check the process is gone after the harness stops
        with open(pid_file, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
    if args.http is None:
        server.run()
    else:
        server.run("streamable-http", host="127.0.0.1", port=args.http)


if __name__ == "__main__":
    main()
