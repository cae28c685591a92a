"""Who may read the ops routes: the operator's token, and a scraper's token for /metrics.

Owns :class:`OpsAccess`. With no token configured (the loopback default) every ops route is
open, as before. With ZEN_AUTH_TOKEN set, the routes that show the server's state
(/metrics, /dashboard, /dashboard/data, and /ready's reasons) need that token; with
ZEN_METRICS_TOKEN set too, that second token opens /metrics alone, so a Prometheus scraper
never holds the key to the tools. /health stays open for liveness probes and says only
that the process answers; /ready stays open with its status and code for load balancers,
and gives its reasons only to the token.

A token is accepted as ``Authorization: Bearer <token>`` (scrapers, curl) or as the
password of HTTP Basic (any user name), which a browser asks for itself when /dashboard
answers 401 and then sends with the page's own data requests. Compared in constant time.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass

from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from zen_server.config import Settings

BASIC_CHALLENGE = 'Basic realm="zen-server ops", charset="UTF-8"'


def presented_token(authorization: str | None) -> bytes | None:
    """The token in an Authorization header (Bearer, or Basic's password), else None."""
    if not authorization:
        return None
    scheme, _, credential = authorization.strip().partition(" ")
    if scheme.lower() == "bearer":
        return credential.strip().encode("utf-8") or None
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credential.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        _, sep, password = decoded.partition(":")
        return password.encode("utf-8") if sep and password else None
    return None


def _matches(presented: bytes | None, expected: bytes | None) -> bool:
    return presented is not None and expected is not None and hmac.compare_digest(presented, expected)


@dataclass(frozen=True)
class OpsAccess:
    """The tokens the ops routes accept; None means that token is not configured."""

    operator: bytes | None = None  # ZEN_AUTH_TOKEN: every ops route
    scraper: bytes | None = None  # ZEN_METRICS_TOKEN: /metrics only

    @classmethod
    def from_settings(cls, settings: Settings) -> OpsAccess:
        def raw(secret: SecretStr | None) -> bytes | None:
            value = secret.get_secret_value() if secret is not None else ""
            return value.encode("utf-8") if value else None

        return cls(operator=raw(settings.zen_auth_token), scraper=raw(settings.zen_metrics_token))

    @property
    def guarded(self) -> bool:
        return self.operator is not None or self.scraper is not None

    def may_operate(self, request: Request) -> bool:
        """The dashboard, its data and /ready's reasons: the operator's token (if one is set)."""
        if self.operator is None:
            return True
        return _matches(presented_token(request.headers.get("authorization")), self.operator)

    def may_scrape(self, request: Request) -> bool:
        """/metrics: either token, once any is set."""
        if not self.guarded:
            return True
        token = presented_token(request.headers.get("authorization"))
        return _matches(token, self.operator) or _matches(token, self.scraper)


def unauthorized(*, browser: bool) -> Response:
    """401 that says what to send; for a page, the Basic challenge a browser answers itself."""
    challenge = BASIC_CHALLENGE if browser else 'Bearer realm="zen-server ops"'
    return PlainTextResponse(
        "Unauthorized: send 'Authorization: Bearer <ZEN_AUTH_TOKEN>' (or ZEN_METRICS_TOKEN for /metrics).",
        status_code=401,
        headers={"WWW-Authenticate": challenge, "Cache-Control": "no-store"},
    )
