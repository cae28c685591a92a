"""One MCP session over streamable HTTP, synchronous, for Locust users (gevent-friendly).

``McpHttpSession`` POSTs JSON-RPC to the MCP endpoint with the headers the transport needs
(``Accept`` for JSON and SSE, ``Mcp-Session-Id`` once the server assigned one,
``MCP-Protocol-Version``), reads the whole reply (SSE or JSON) and returns the response
matching the request id. It uses a blocking ``httpx.Client``: under Locust, gevent has
patched sockets, so a blocked user yields to the others. Errors become ``WireError``.
"""

from __future__ import annotations

import contextlib
import itertools
from typing import Any

import httpx

from harness.load import wire

SESSION_HEADER = "mcp-session-id"


class McpHttpSession:
    """initialize -> notifications/initialized -> tools/call ...; close() ends the session."""

    def __init__(self, url: str, *, timeout_s: float = 30.0, auth_token: str | None = None) -> None:
        self.url = url
        self.session_id: str | None = None
        self._ids = itertools.count(1)
        self._timeout_s = timeout_s
        headers = {"accept": "application/json, text/event-stream", "content-type": "application/json"}
        if auth_token:
            headers["authorization"] = f"Bearer {auth_token}"
        self._client = httpx.Client(headers=headers, timeout=timeout_s)

    def _headers(self) -> dict[str, str]:
        headers = {"mcp-protocol-version": wire.PROTOCOL_VERSION}
        if self.session_id:
            headers[SESSION_HEADER] = self.session_id
        return headers

    def _post(self, message: dict[str, Any], timeout_s: float | None) -> httpx.Response:
        timeout = self._timeout_s if timeout_s is None else timeout_s
        try:
            response = self._client.post(self.url, json=message, headers=self._headers(), timeout=timeout)
        except httpx.TimeoutException as exc:
            raise wire.WireError("timeout", f"no answer within {timeout:g}s") from exc
        except httpx.HTTPError as exc:
            raise wire.WireError("transport_error", f"{type(exc).__name__}: {exc}") from exc
        if response.status_code >= 400:
            raise wire.WireError("transport_error", f"HTTP {response.status_code}: {response.text[:200]}")
        return response

    def request(
        self, method: str, params: dict[str, Any] | None = None, *, timeout_s: float | None = None
    ) -> tuple[dict[str, Any], int]:
        """Send one request; the matching response's result and the reply's size in bytes."""
        request_id = next(self._ids)
        response = self._post(wire.request(request_id, method, params), timeout_s)
        sid = response.headers.get(SESSION_HEADER)
        if sid:
            self.session_id = sid
        messages = wire.parse_body(response.headers.get("content-type", ""), response.text)
        found = wire.response_for(messages, request_id)
        if found is None:
            raise wire.WireError("protocol_error", f"no response with id {request_id} to {method}")
        return wire.result_of(found), len(response.content)

    def initialize(self) -> dict[str, Any]:
        """The handshake; returns the server's initialize result."""
        result, _ = self.request("initialize", wire.initialize_request(0)["params"])
        self._post(wire.notification("notifications/initialized"), None)
        return result

    def list_tools(self) -> list[dict[str, Any]]:
        result, _ = self.request("tools/list")
        tools = result.get("tools", [])
        return [t for t in tools if isinstance(t, dict)]

    def call_tool(
        self, tool: str, arguments: dict[str, Any], *, timeout_s: float | None = None
    ) -> wire.ToolReply:
        result, size = self.request("tools/call", {"name": tool, "arguments": arguments}, timeout_s=timeout_s)
        return wire.tool_reply(result, size)

    def close(self) -> None:
        """Tell the server the session is over (DELETE), then drop the connection pool."""
        if self.session_id:
            # The server may already be gone; there is nothing to clean up then.
            with contextlib.suppress(httpx.HTTPError):
                self._client.delete(self.url, headers=self._headers(), timeout=5.0)
        self._client.close()
