"""DrainGuard: POST /mcp answered 503 with Retry-After once draining; everything else passes."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from zen_server.mcp.http_drain import SHUTTING_DOWN_CODE, DrainGuard


async def reached(request: Request) -> PlainTextResponse:
    return PlainTextResponse("app")


def guarded(state: dict[str, bool]) -> httpx.AsyncClient:
    inner = Starlette(routes=[Route("/mcp", reached, methods=["GET", "POST"]), Route("/ready", reached)])
    app = DrainGuard(inner, draining=lambda: state["draining"], path="/mcp")
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1")


async def test_requests_pass_until_the_drain_begins_then_posts_to_mcp_get_503() -> None:
    state = {"draining": False}
    async with guarded(state) as client:
        assert (await client.post("/mcp", content=b"{}")).text == "app"
        state["draining"] = True
        refused = await client.post("/mcp", content=b"{}")
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "1"
        assert refused.headers["connection"] == "close"
        assert refused.json()["error"]["code"] == SHUTTING_DOWN_CODE
        assert "shutting down" in refused.json()["error"]["message"]
        # Streams already open (GET) and the ops routes are not the guard's business.
        assert (await client.get("/mcp")).text == "app"
        assert (await client.get("/ready")).text == "app"


async def test_a_request_on_a_session_gets_the_spec_404_so_the_client_opens_a_new_one() -> None:
    state = {"draining": True}
    async with guarded(state) as client:
        gone = await client.post("/mcp", content=b"{}", headers={"Mcp-Session-Id": "abc"})
        assert gone.status_code == 404
        # Starts as the SDK's own text, which MCP clients recognise as "session gone".
        assert gone.json()["error"]["message"].startswith("Session not found")
        assert "shutting down" in gone.json()["error"]["message"]
