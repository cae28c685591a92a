"""Toxiproxy 2.x's HTTP API over a ``ProxyCollection``: same paths, JSON, statuses and errors.

Routes (``{proxy}`` and ``{toxic}`` are one path segment each)::

    POST   /reset                              204, every proxy enabled, every toxic removed
    GET    /proxies                            200 {name: proxy}
    POST   /proxies                            201 proxy          400 / 409 / 500 (bind)
    POST   /populate                           201 {"proxies": [...]} or the error's status
    GET    /proxies/{proxy}                    200 proxy          404
    POST|PATCH /proxies/{proxy}                200 proxy          400 / 404 / 500
    DELETE /proxies/{proxy}                    204                404
    GET    /proxies/{proxy}/toxics             200 [toxic]        404
    POST   /proxies/{proxy}/toxics             200 toxic          400 / 404 / 409
    GET    /proxies/{proxy}/toxics/{toxic}     200 toxic          404
    POST|PATCH /proxies/{proxy}/toxics/{toxic} 200 toxic          400 / 404
    DELETE /proxies/{proxy}/toxics/{toxic}     204                404
    GET    /version                            200 {"version": "..."}

Errors are ``{"error": "...", "status": N}`` plus a newline, sent as text/plain as Go's
``http.Error`` does; an unknown path is ``404 page not found``, a known path with the wrong
method is an empty 405, a browser user agent gets 403 (Toxiproxy's CSRF guard).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from urllib.parse import unquote, urlsplit

from harness.errors import ToxiproxyAPIError
from harness.proxy import decoding
from harness.proxy.collection import ProxyCollection, parse_proxy_spec
from harness.proxy.http import Request, Response
from harness.proxy.proxy import normalize_listen

TOXIPROXY_VERSION = "2.12.0"
IMPLEMENTATION_HEADER = ("X-Toxiproxy-Implementation", "zen-harness-embedded")
_JSON = ("Content-Type", "application/json")

Route = Callable[["ToxiproxyApi", Request, dict[str, str]], Awaitable[Response]]


def _json(status: int, value: object) -> Response:
    body = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    return Response(status, body, [_JSON])


def _error(exc: ToxiproxyAPIError) -> Response:
    body = json.dumps(exc.to_json(), separators=(",", ":")).encode() + b"\n"
    return Response(
        exc.status,
        body,
        [("Content-Type", "text/plain; charset=utf-8"), ("X-Content-Type-Options", "nosniff")],
    )


class ToxiproxyApi:
    """Callable as the HTTP server's handler."""

    def __init__(self, collection: ProxyCollection) -> None:
        self.collection = collection

    async def __call__(self, request: Request) -> Response:
        response = await self._dispatch(request)
        response.headers.append(IMPLEMENTATION_HEADER)
        return response

    async def _dispatch(self, request: Request) -> Response:
        if request.headers.get("user-agent", "").startswith("Mozilla/"):
            return Response(403, b"User agent not allowed\n", [("Content-Type", "text/plain; charset=utf-8")])
        path = urlsplit(request.path).path
        path_matched = False
        for pattern, methods, route in _ROUTES:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            path_matched = True
            if request.method in methods:
                params = {key: unquote(value) for key, value in match.groupdict().items()}
                try:
                    return await route(self, request, params)
                except ToxiproxyAPIError as exc:
                    return _error(exc)
        if path_matched:
            return Response(405)
        return Response(404, b"404 page not found\n", [("Content-Type", "text/plain; charset=utf-8")])

    async def reset(self, request: Request, params: dict[str, str]) -> Response:
        await self.collection.reset()
        return Response(204)

    async def proxy_index(self, request: Request, params: dict[str, str]) -> Response:
        proxies = self.collection.proxies()
        return _json(200, {name: proxies[name].to_json() for name in sorted(proxies)})

    async def proxy_create(self, request: Request, params: dict[str, str]) -> Response:
        spec = parse_proxy_spec(decoding.decode_body(request.body))
        proxy = await self.collection.add(spec)
        return _json(201, proxy.to_json())

    async def populate(self, request: Request, params: dict[str, str]) -> Response:
        try:
            proxies, failure = await self.collection.populate(decoding.decode_body(request.body))
        except ToxiproxyAPIError as exc:
            proxies, failure = [], exc
        listed = [proxy.to_json() for proxy in proxies] or None  # Go marshals an empty slice as null
        if failure is None:
            return _json(201, {"proxies": listed})
        return _json(failure.status, {**failure.to_json(), "proxies": listed})

    async def proxy_show(self, request: Request, params: dict[str, str]) -> Response:
        return _json(200, self.collection.get(params["proxy"]).to_json())

    async def proxy_update(self, request: Request, params: dict[str, str]) -> Response:
        proxy = self.collection.get(params["proxy"])
        body = decoding.decode_body(request.body)
        obj = decoding.require_object(body, "toxiproxy.Proxy")
        listen = decoding.get_str(obj, "listen", "Proxy", proxy.listen)
        upstream = decoding.get_str(obj, "upstream", "Proxy", proxy.upstream)
        enabled = decoding.get_bool(obj, "enabled", "Proxy", proxy.enabled)
        normalize_listen(listen)  # a malformed address is refused before anything stops
        await proxy.update(listen, upstream, enabled)
        return _json(200, proxy.to_json())

    async def proxy_delete(self, request: Request, params: dict[str, str]) -> Response:
        await self.collection.remove(params["proxy"])
        return Response(204)

    async def toxic_index(self, request: Request, params: dict[str, str]) -> Response:
        proxy = self.collection.get(params["proxy"])
        return _json(200, [wrapper.to_json() for wrapper in proxy.toxics.toxics()])

    async def toxic_create(self, request: Request, params: dict[str, str]) -> Response:
        proxy = self.collection.get(params["proxy"])
        wrapper = await proxy.toxics.add_json(decoding.decode_body(request.body))
        return _json(200, wrapper.to_json())

    async def toxic_show(self, request: Request, params: dict[str, str]) -> Response:
        proxy = self.collection.get(params["proxy"])
        return _json(200, proxy.toxics.get(params["toxic"]).to_json())

    async def toxic_update(self, request: Request, params: dict[str, str]) -> Response:
        proxy = self.collection.get(params["proxy"])
        wrapper = await proxy.toxics.update_json(params["toxic"], request.body)
        return _json(200, wrapper.to_json())

    async def toxic_delete(self, request: Request, params: dict[str, str]) -> Response:
        proxy = self.collection.get(params["proxy"])
        await proxy.toxics.remove(params["toxic"])
        return Response(204)

    async def version(self, request: Request, params: dict[str, str]) -> Response:
        body = f'{{"version": "{TOXIPROXY_VERSION}"}}\n'.encode()
        return Response(200, body, [("Content-Type", "application/json;charset=utf-8")])


def _path(template: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template))


_ROUTES: list[tuple[re.Pattern[str], frozenset[str], Route]] = [
    (_path("/reset"), frozenset({"POST"}), ToxiproxyApi.reset),
    (_path("/proxies"), frozenset({"GET"}), ToxiproxyApi.proxy_index),
    (_path("/proxies"), frozenset({"POST"}), ToxiproxyApi.proxy_create),
    (_path("/populate"), frozenset({"POST"}), ToxiproxyApi.populate),
    (_path("/proxies/{proxy}"), frozenset({"GET"}), ToxiproxyApi.proxy_show),
    (_path("/proxies/{proxy}"), frozenset({"POST", "PATCH"}), ToxiproxyApi.proxy_update),
    (_path("/proxies/{proxy}"), frozenset({"DELETE"}), ToxiproxyApi.proxy_delete),
    (_path("/proxies/{proxy}/toxics"), frozenset({"GET"}), ToxiproxyApi.toxic_index),
    (_path("/proxies/{proxy}/toxics"), frozenset({"POST"}), ToxiproxyApi.toxic_create),
    (_path("/proxies/{proxy}/toxics/{toxic}"), frozenset({"GET"}), ToxiproxyApi.toxic_show),
    (_path("/proxies/{proxy}/toxics/{toxic}"), frozenset({"POST", "PATCH"}), ToxiproxyApi.toxic_update),
    (_path("/proxies/{proxy}/toxics/{toxic}"), frozenset({"DELETE"}), ToxiproxyApi.toxic_delete),
    (_path("/version"), frozenset({"GET"}), ToxiproxyApi.version),
]
