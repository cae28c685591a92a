"""The operations endpoints: /metrics, /health, /ready, /dashboard and /dashboard/data.

Owns :func:`ops_routes` (starlette routes the HTTP transport mounts) and
:func:`run_ops_listener`, which serves the same routes on 127.0.0.1 only when the MCP
server speaks stdio and so has no HTTP listener of its own (ZEN_OPS_PORT). Each route
checks its own access (``ops_access.OpsAccess``), so the token guards both listeners alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.resources
import socket
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from zen_server.errors import ConfigurationError
from zen_server.observability.hub import ObservabilityHub
from zen_server.observability.ops_access import OpsAccess, unauthorized
from zen_server.observability.readiness import ReadinessReport

ReadinessCheck = Callable[[], Awaitable[ReadinessReport]]

# The page loads nothing from anywhere: inline code, and data only from this origin.
DASHBOARD_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_NO_STORE = {"Cache-Control": "no-store"}


async def _always_ready() -> ReadinessReport:
    return ReadinessReport(ready=True)


def _float_or_none(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _dashboard_html() -> str:
    return importlib.resources.files("zen_server.observability").joinpath("dashboard.html").read_text("utf-8")


def ops_routes(
    hub: ObservabilityHub, readiness: ReadinessCheck | None = None, access: OpsAccess | None = None
) -> list[BaseRoute]:
    """Routes to mount on the HTTP app (or the ops listener).

    ``readiness`` is the composition root's check (breakers, memory, store); without one
    the instance always reports ready. ``access`` holds the tokens (none: all open).
    """
    check = readiness if readiness is not None else _always_ready
    gate = access if access is not None else OpsAccess()
    started = time.monotonic()
    page = _dashboard_html()  # read once: the file ships inside the package

    async def ready_report() -> ReadinessReport:
        try:
            return await check()
        except Exception as exc:  # a broken check is itself a reason not to take traffic
            return ReadinessReport(ready=False, reasons=[f"readiness check failed: {type(exc).__name__}"])

    async def metrics(request: Request) -> Response:
        if not gate.may_scrape(request):
            return unauthorized(browser=False)
        body, content_type = hub.exposition()
        return Response(body, headers={"Content-Type": content_type, **_NO_STORE})

    async def health(request: Request) -> Response:
        # Open to liveness probes, so it says nothing but that the process answers.
        return JSONResponse({"status": "alive"}, headers=_NO_STORE)

    async def ready(request: Request) -> Response:
        report = await ready_report()
        body = report.as_json()
        if not gate.may_operate(request):
            body = {"status": body["status"]}  # status and code for balancers; reasons for the token
        return JSONResponse(body, status_code=200 if report.ready else 503, headers=_NO_STORE)

    async def dashboard(request: Request) -> Response:
        if not gate.may_operate(request):
            return unauthorized(browser=True)
        return HTMLResponse(page, headers={"Content-Security-Policy": DASHBOARD_CSP, **_NO_STORE})

    async def dashboard_data(request: Request) -> Response:
        if not gate.may_operate(request):
            return unauthorized(browser=False)
        data = hub.snapshot()
        data["history"] = hub.history.since(_float_or_none(request.query_params.get("since")))
        report = await ready_report()
        data["readiness"] = {"ready": report.ready, "reasons": report.reasons}
        data["uptime_s"] = round(time.monotonic() - started, 3)
        return JSONResponse(hub.redactor.redact_value(data), headers=_NO_STORE)

    return [
        Route("/metrics", metrics, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
        Route("/ready", ready, methods=["GET"]),
        Route("/dashboard", dashboard, methods=["GET"]),
        Route("/dashboard/data", dashboard_data, methods=["GET"]),
    ]


class _QuietServer(uvicorn.Server):
    """A uvicorn server that leaves SIGINT/SIGTERM to the main server it runs beside."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class OpsListener:
    """A running ops listener; ``port`` is the bound port (useful when asked for 0)."""

    def __init__(self, server: uvicorn.Server, task: asyncio.Task[None], port: int) -> None:
        self._server = server
        self._task = task
        self.port = port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def aclose(self) -> None:
        self._server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(self._task, timeout=5.0)


def _bind_loopback(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        raise ConfigurationError(
            f"ZEN_OPS_PORT={port}: cannot listen on 127.0.0.1:{port} ({exc.strerror}); "
            "choose a free port or unset ZEN_OPS_PORT"
        ) from exc
    sock.setblocking(False)
    return sock


async def run_ops_listener(routes: Sequence[BaseRoute], port: int) -> OpsListener:
    """Serve ``routes`` on 127.0.0.1:``port`` (loopback only, never another interface).

    Binding happens here so a busy port is a ConfigurationError, not uvicorn's exit.
    """
    sock = _bind_loopback(port)
    app = Starlette(routes=list(routes))
    # log_config=None: uvicorn's default config logs access lines to stdout, the MCP channel.
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off")
    server = _QuietServer(config)
    task = asyncio.get_running_loop().create_task(server.serve(sockets=[sock]), name="zen-ops-listener")
    while not server.started:
        if task.done():
            task.result()  # surfaces why it stopped
            raise ConfigurationError(f"the ops listener on 127.0.0.1:{port} stopped while starting")
        await asyncio.sleep(0.01)
    return OpsListener(server, task, int(sock.getsockname()[1]))
