"""HttpGuard and check_bind: Origin, Host, bearer token, and the non-loopback refusal."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from zen_server.config import load_settings
from zen_server.errors import ConfigurationError
from zen_server.mcp.http import check_bind
from zen_server.mcp.http_guard import HttpGuard, is_loopback_host


async def ok(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


def guarded(*, token: str | None = None, origins: tuple[str, ...] = (), check_host: bool = True) -> HttpGuard:
    inner = Starlette(routes=[Route("/mcp", ok, methods=["GET", "POST"]), Route("/health", ok)])
    return HttpGuard(inner, token=token, allowed_origins=origins, check_host=check_host)


async def status(app: HttpGuard, path: str = "/mcp", host: str = "127.0.0.1:8080", **headers: str) -> int:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=f"http://{host}") as client:
        response = await client.get(path, headers={k.replace("_", "-"): v for k, v in headers.items()})
        return response.status_code


@pytest.mark.parametrize(
    "origin",
    [None, "http://localhost:6274", "http://127.0.0.1", "https://[::1]:9000", "http://app.localhost:3000"],
)
async def test_absent_or_loopback_origins_pass(origin: str | None) -> None:
    headers = {"origin": origin} if origin else {}
    assert await status(guarded(), **headers) == 200


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "null", "http://127.0.0.1.evil.example", "file://"]
)
async def test_foreign_origins_get_403(origin: str) -> None:
    assert await status(guarded(), origin=origin) == 403


async def test_configured_origin_passes_and_case_or_slash_does_not_matter() -> None:
    app = guarded(origins=("https://IDE.example.com/",))
    assert await status(app, origin="https://ide.example.com") == 200
    assert await status(app, origin="https://other.example.com") == 403


async def test_rebinding_host_is_refused_on_a_loopback_bind_only() -> None:
    assert await status(guarded(), host="attacker.example:8080") == 421
    assert await status(guarded(check_host=False), host="zen.internal:8080") == 200
    assert await status(guarded(), host="localhost:8080") == 200


async def test_token_is_required_on_mcp_when_configured() -> None:
    app = guarded(token="s3cret-token")
    assert await status(app) == 401
    assert await status(app, authorization="Bearer wrong") == 401
    assert await status(app, authorization="Basic s3cret-token") == 401
    assert await status(app, authorization="Bearer s3cret-token") == 200
    assert await status(app, authorization="bearer s3cret-token") == 200
    # Ops probes stay reachable for load balancers.
    assert await status(app, path="/health") == 200


async def test_401_names_the_header_to_send() -> None:
    transport = httpx.ASGITransport(app=guarded(token="t"))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        response = await client.post("/mcp")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "ZEN_AUTH_TOKEN" in response.text


def test_loopback_detection() -> None:
    assert all(is_loopback_host(h) for h in ["localhost", "127.0.0.1", "127.8.9.1", "::1", "[::1]"])
    assert not any(is_loopback_host(h) for h in ["0.0.0.0", "::", "10.0.0.1", "example.com"])


def test_non_loopback_bind_without_token_refuses_naming_the_variable() -> None:
    with pytest.raises(ConfigurationError, match="ZEN_AUTH_TOKEN"):
        check_bind("0.0.0.0", load_settings())
    check_bind("0.0.0.0", load_settings(zen_auth_token="long-random-secret-of-forty-characters!!"))
    check_bind("127.0.0.1", load_settings())
