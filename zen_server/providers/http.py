"""HTTP plumbing every provider shares: one client, bounded timeouts, error mapping.

* :func:`make_client` builds the one ``httpx.AsyncClient`` a provider keeps for its
  lifetime, with connection limits (ZEN_PROVIDER_MAX_IN_FLIGHT) and no automatic retries.
* :func:`post_json` makes one POST and returns the parsed JSON object. The whole exchange
  (connect, send, every read) is bounded by ``timeout_s``: connect by
  ``min(ZEN_CONNECT_TIMEOUT_S, timeout_s)``, each read by ``min(ZEN_READ_TIMEOUT_S,
  timeout_s)``, and the total by ``asyncio.timeout(timeout_s)`` so a slow-drip body cannot
  stretch it. Cancellation from outside propagates unchanged.
* Every failure becomes a :class:`TransientProviderError` (connect error, timeout, 408, 409,
  429, 5xx, 529, "overloaded", truncated/malformed/non-JSON body) or a
  :class:`PermanentProviderError` (other 4xx, quota exhausted, context too long, content
  refused). Messages name provider and model, say what to do, and are scrubbed of secrets.
  The cause is chained, and :func:`attempt_status` reads it back for metrics.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

import httpx

from zen_server.errors import PermanentProviderError, ProviderError, TransientProviderError
from zen_server.observability.redaction import MIN_SECRET_LENGTH
from zen_server.resilience.classify import (
    parse_duration,
    parse_retry_after,
    retry_hint_from_message,
)

TRANSIENT_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})
_KEYLIKE = re.compile(r"\b(sk-[A-Za-z0-9_\-*]{6,}|AIza[A-Za-z0-9_\-*]{10,}|xai-[A-Za-z0-9_\-*]{6,})")
_CONTEXT_TOO_LONG = ("context_length_exceeded", "maximum context length", "too many tokens", "context window")
_REFUSED = ("content_policy", "content_filter", "safety", "responsible ai", "prohibited")
_OVERLOADED = ("overloaded", "server_overloaded", "try again later")


class MalformedResponse(ValueError):
    """The body was not the JSON object the API promises (the chained cause of a transient error)."""


def make_client(
    *, max_connections: int, connect_timeout_s: float, read_timeout_s: float
) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        limits=httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=min(32, max_connections)
        ),
        timeout=httpx.Timeout(read_timeout_s, connect=connect_timeout_s),
        follow_redirects=False,
    )


def token_count(value: Any) -> int:
    """A usage figure from a provider's answer; anything but a non-negative int counts as 0."""
    return value if isinstance(value, int) and value >= 0 else 0


def scrub(text: str, secrets: Iterable[str]) -> str:
    """Remove secrets and anything shaped like an API key from text bound for a message."""
    for secret in secrets:
        # Dummy keys of local providers ("k", "x") would otherwise blank out letters of
        # every word; the same minimum as the log and audit redactor.
        if len(secret) >= MIN_SECRET_LENGTH:
            text = text.replace(secret, "[redacted]")
    return _KEYLIKE.sub("[redacted]", text)


async def post_json(
    client: httpx.AsyncClient,
    url: str,
    *,
    body: Mapping[str, Any],
    headers: Mapping[str, str],
    timeout_s: float,
    connect_timeout_s: float,
    read_timeout_s: float,
    provider: str,
    model: str,
    secrets: Iterable[str] = (),
    params: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    secrets = tuple(secrets)
    where = f"{provider} model {model}"
    if timeout_s <= 0:
        raise TransientProviderError(
            f"{where}: no time left before the deadline", provider=provider, model=model
        )
    timeout = httpx.Timeout(
        min(read_timeout_s, timeout_s),
        connect=min(connect_timeout_s, timeout_s),
        pool=min(connect_timeout_s, timeout_s),
    )
    try:
        async with asyncio.timeout(timeout_s):
            response = await client.post(url, json=body, headers=headers, params=params, timeout=timeout)
    except TimeoutError as exc:
        raise TransientProviderError(
            f"{where}: no complete answer within {timeout_s:.1f} s", provider=provider, model=model
        ) from exc
    except httpx.ConnectTimeout as exc:
        raise TransientProviderError(
            f"{where}: connecting timed out after {timeout.connect:.1f} s", provider=provider, model=model
        ) from exc
    except httpx.ConnectError as exc:
        raise TransientProviderError(
            f"{where}: could not connect ({scrub(str(exc), secrets) or type(exc).__name__})",
            provider=provider,
            model=model,
        ) from exc
    except httpx.TimeoutException as exc:
        raise TransientProviderError(
            f"{where}: {type(exc).__name__} after {timeout.read:.1f} s without data",
            provider=provider,
            model=model,
        ) from exc
    except httpx.HTTPError as exc:
        # RemoteProtocolError / ReadError: connection dropped mid-answer (truncated body).
        raise TransientProviderError(
            f"{where}: connection failed mid-answer ({type(exc).__name__})", provider=provider, model=model
        ) from exc
    if response.status_code >= 400:
        raise error_for_status(response, provider=provider, model=model, secrets=secrets)
    return parse_json_object(response, provider=provider, model=model)


def parse_json_object(response: httpx.Response, *, provider: str, model: str) -> dict[str, Any]:
    where = f"{provider} model {model}"
    ctype = response.headers.get("content-type", "")
    if "json" not in ctype.lower():
        raise TransientProviderError(
            f"{where}: expected a JSON answer, got content-type {ctype or 'none'!r}",
            provider=provider,
            model=model,
            status=response.status_code,
        ) from MalformedResponse(ctype)
    try:
        data = json.loads(response.content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise TransientProviderError(
            f"{where}: the answer was truncated or is not valid JSON", provider=provider, model=model
        ) from MalformedResponse(str(exc))
    if not isinstance(data, dict):
        raise TransientProviderError(
            f"{where}: the answer is JSON but not an object", provider=provider, model=model
        ) from MalformedResponse(type(data).__name__)
    return data


def error_detail(response: httpx.Response) -> tuple[str, str]:
    """(human message, machine code/type) from an error body, whatever its shape."""
    try:
        data = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return response.text[:300].strip(), ""
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        code = " ".join(str(error.get(k) or "") for k in ("code", "type", "status")).strip()
        return str(error.get("message") or "")[:500], code
    if isinstance(error, str):
        return error[:500], ""
    return str(data)[:300], ""


def retry_after_of(response: httpx.Response, message: str) -> float | None:
    headers = response.headers
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return max(0.0, float(ms) / 1000.0)
        except ValueError:
            pass
    for value in (
        parse_retry_after(headers.get("retry-after")),
        parse_duration(headers.get("x-ratelimit-reset-requests")),
        parse_duration(headers.get("x-ratelimit-reset-tokens")),
        retry_hint_from_message(message),
        _google_retry_delay(response),
    ):
        if value is not None:
            return value
    return None


def _google_retry_delay(response: httpx.Response) -> float | None:
    """Gemini puts a RetryInfo ``retryDelay: "30s"`` in error.details."""
    try:
        details = json.loads(response.content)["error"]["details"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
    for item in details if isinstance(details, list) else ():
        if isinstance(item, dict) and "retryDelay" in item:
            return parse_duration(str(item["retryDelay"]))
    return None


def error_for_status(
    response: httpx.Response, *, provider: str, model: str, secrets: Iterable[str] = ()
) -> ProviderError:
    status = response.status_code
    message, code = error_detail(response)
    message = scrub(message, secrets)
    lowered = f"{message} {code}".lower()
    head = f"{provider} model {model}: HTTP {status}"
    detail = f" ({message})" if message else ""
    kwargs: dict[str, Any] = {"provider": provider, "model": model, "status": status}
    if status == 429 and "insufficient_quota" in lowered:
        return PermanentProviderError(
            f"{head}: quota exhausted{detail}; check the account's billing", **kwargs
        )
    if status in TRANSIENT_STATUSES or status >= 500 or any(w in lowered for w in _OVERLOADED):
        what = (
            "rate limited"
            if status == 429
            else "overloaded"
            if "overload" in lowered or status == 529
            else "unavailable"
        )
        return TransientProviderError(
            f"{head}: {what}{detail}", retry_after=retry_after_of(response, message), **kwargs
        )
    if any(w in lowered for w in _CONTEXT_TOO_LONG) or status == 413:
        return PermanentProviderError(
            f"{head}: the prompt is too long for this model{detail}; send less context or pick a model "
            "with a larger context window",
            **kwargs,
        )
    if any(w in lowered for w in _REFUSED):
        return PermanentProviderError(f"{head}: the provider refused the content{detail}", **kwargs)
    if status in (401, 403):
        return PermanentProviderError(
            f"{head}: authentication or permission failed{detail}; check the API key for {provider}", **kwargs
        )
    if status == 404:
        return PermanentProviderError(
            f"{head}: model or endpoint not found{detail}; check the model name and the base URL", **kwargs
        )
    return PermanentProviderError(f"{head}: request rejected{detail}", **kwargs)


def attempt_status(error: BaseException | None) -> str:
    """ProviderAttempt status: "ok", an HTTP code, "timeout", "connect_error" or "malformed"."""
    if error is None:
        return "ok"
    if isinstance(error, ProviderError) and error.status is not None and error.status >= 400:
        return str(error.status)
    cause = error.__cause__
    if isinstance(cause, httpx.ConnectTimeout | httpx.ConnectError):
        return "connect_error"
    if isinstance(cause, TimeoutError | httpx.TimeoutException):
        return "timeout"
    if isinstance(cause, MalformedResponse | httpx.RemoteProtocolError | httpx.ReadError):
        return "malformed"
    return type(error).__name__
