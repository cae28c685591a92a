"""A small async client of Google's Jules REST API (v1alpha), bounded by the call's deadline.

One method per operation the jules tool offers. Every request:

* carries the key in the ``x-goog-api-key`` header (never in the URL);
* is bounded by the time left before the call's deadline (``resilience.deadline``), with
  connect and read timeouts no longer than ZEN_CONNECT_TIMEOUT_S / ZEN_READ_TIMEOUT_S;
* is made once: creating a session or sending a message is not idempotent, so a failure
  is reported, never retried behind the caller's back;
* fails with :class:`~zen_server.errors.JulesApiError` whose message names the operation,
  the HTTP status and Google's own message, scrubbed of secrets.

Session ids travel in URL paths, so only plain ids are accepted (``abc123`` or
``sessions/abc123``), never anything that could reshape the path.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

import httpx

from zen_server.errors import JulesApiError, ToolInputError
from zen_server.observability.redaction import Redactor
from zen_server.resilience.deadline import remaining

API_KEY_HEADER = "x-goog-api-key"
# Finish this much before the call's deadline, so a silent Jules is reported as such rather
# than as a bare deadline.
DEADLINE_MARGIN_S = 0.2
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


def session_id_from(raw: str) -> str:
    """The bare id of ``raw`` (an id or ``sessions/{id}``); ToolInputError for anything else."""
    value = raw.strip()
    value = value.split("/", 1)[1] if value.startswith("sessions/") else value
    if not _SESSION_ID.match(value):
        raise ToolInputError(
            f"jules: session_id {raw!r} is not a Jules session id; send the id a create or status "
            "call returned (letters, digits, '-' and '_', optionally prefixed by 'sessions/')"
        )
    return value


class JulesClient:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        connect_timeout_s: float,
        read_timeout_s: float,
        secrets: Iterable[str] = (),
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._connect_timeout_s = connect_timeout_s
        self._read_timeout_s = read_timeout_s
        self._redactor = Redactor((api_key, *secrets))
        self._http = httpx.AsyncClient(
            headers={API_KEY_HEADER: api_key, "Accept": "application/json"},
            follow_redirects=False,
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> JulesClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- operations -------------------------------------------------------------------------
    async def list_sources(self) -> dict[str, Any]:
        return await self._request("list sources", "GET", "/sources")

    async def create_session(self, body: Mapping[str, Any]) -> dict[str, Any]:
        return await self._request("create a session", "POST", "/sessions", body=body)

    async def get_session(self, session_id: str) -> dict[str, Any]:
        return await self._request("read the session", "GET", f"/sessions/{session_id}")

    async def list_activities(self, session_id: str, page_size: int) -> dict[str, Any]:
        return await self._request(
            "list activities", "GET", f"/sessions/{session_id}/activities", params={"pageSize": page_size}
        )

    async def send_message(self, session_id: str, prompt: str) -> dict[str, Any]:
        path = f"/sessions/{session_id}:sendMessage"
        return await self._request("send the message", "POST", path, body={"prompt": prompt})

    async def approve_plan(self, session_id: str) -> dict[str, Any]:
        return await self._request("approve the plan", "POST", f"/sessions/{session_id}:approvePlan")

    async def set_archived(self, session_id: str, archived: bool) -> dict[str, Any]:
        verb = "archive" if archived else "unarchive"
        return await self._request(f"{verb} the session", "POST", f"/sessions/{session_id}:{verb}")

    # --- plumbing ---------------------------------------------------------------------------
    async def _request(
        self,
        what: str,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        budget = remaining() - DEADLINE_MARGIN_S
        if budget <= 0:
            raise JulesApiError(f"jules: no time left before the deadline to {what}")
        timeout = httpx.Timeout(
            min(self._read_timeout_s, budget),
            connect=min(self._connect_timeout_s, budget),
            pool=min(self._connect_timeout_s, budget),
        )
        try:
            async with asyncio.timeout(budget):
                response = await self._http.request(
                    method, self._base + path, json=body, params=params, timeout=timeout
                )
        except TimeoutError:
            message = f"jules: Jules did not answer within {budget:.1f} s trying to {what}"
            raise JulesApiError(message) from None
        except httpx.TimeoutException as exc:
            raise JulesApiError(f"jules: {type(exc).__name__} trying to {what}; try again later") from None
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            message = f"jules: the connection to Jules broke before the answer to {what} was complete"
            raise JulesApiError(
                f"{message} ({type(exc).__name__}); check the state before repeating"
            ) from None
        except httpx.HTTPError as exc:
            detail = self._redactor.redact(str(exc)) or type(exc).__name__
            message = f"jules: could not reach Jules to {what} ({detail}); check JULES_BASE_URL"
            raise JulesApiError(message) from None
        if response.status_code >= 400:
            raise self._refusal(what, response)
        if not response.content.strip():
            return {}
        try:
            data = json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            raise JulesApiError(
                f"jules: Jules answered {what} with a body that is not JSON (truncated or not the API)",
                status=response.status_code,
            ) from None
        if not isinstance(data, dict):
            raise JulesApiError(f"jules: Jules answered {what} with JSON that is not an object")
        return data

    def _refusal(self, what: str, response: httpx.Response) -> JulesApiError:
        status = response.status_code
        message, code = "", ""
        try:
            error = json.loads(response.content).get("error")
            if isinstance(error, dict):
                message, code = str(error.get("message") or ""), str(error.get("status") or "")
        except (ValueError, AttributeError, UnicodeDecodeError):
            message = response.text[:300]
        message = self._redactor.redact(message)[:500]
        hint = {
            401: "; check JULES_API_KEY",
            403: "; check JULES_API_KEY and that the Jules GitHub app can see the repository",
            404: "; check the session id or source (list_sources shows the sources)",
            429: "; Jules is rate limiting: wait and try again",
        }.get(status, "; try again later" if status >= 500 else "")
        detail = f" {code}" if code else ""
        said = f": {message}" if message else ""
        message = f"jules: Jules refused to {what} (HTTP {status}{detail}){said}{hint}"
        return JulesApiError(message, status=status)


__all__ = ["API_KEY_HEADER", "JulesClient", "session_id_from"]
