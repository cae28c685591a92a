"""Error classification: which failures are worth another attempt, and when.

:func:`classify` is the single decision the retry policy and the gateway use:

* ``TransientProviderError`` -> retryable, honouring its ``retry_after``;
* ``CircuitOpenError`` -> not retried here (the breaker already said "not now"; the gateway
  may fall back to another provider instead);
* ``PermanentProviderError`` and every other exception -> never retried.

It also parses the provider's "when may I come back" hints: ``Retry-After`` as seconds or
an HTTP-date, ``retry-after-ms``, Go-style durations (``1m30s``, ``250ms``) as used in
rate-limit reset headers, and "try again in 20s" in error messages. Parsing is pure and
never raises: an unreadable hint is ``None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from zen_server.errors import CircuitOpenError, TransientProviderError

# Providers have been seen asking for absurd waits; cap what a hint may demand.
MAX_HINT_S = 3600.0

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_TRY_AGAIN = re.compile(r"try again in\s+((?:\d+(?:\.\d+)?(?:ms|s|m|h)\s*)+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Decision:
    retryable: bool
    retry_after: float | None
    reason: str


def classify(error: BaseException) -> Decision:
    """Whether ``error`` may succeed on another attempt at the same provider."""
    if isinstance(error, CircuitOpenError):
        return Decision(False, error.retry_after, "circuit open")
    if isinstance(error, TransientProviderError):
        reason = f"HTTP {error.status}" if error.status else type(error).__name__
        return Decision(True, error.retry_after, reason)
    return Decision(False, None, type(error).__name__)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """``Retry-After`` header: delta-seconds or an HTTP-date; None when absent or unreadable."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return min(MAX_HINT_S, max(0.0, seconds))


def parse_duration(value: str | None) -> float | None:
    """Go-style duration as in rate-limit reset headers: ``"1s"``, ``"6m0s"``, ``"250ms"``."""
    if not value:
        return None
    text = value.strip().lower().replace(" ", "")
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        try:
            return min(MAX_HINT_S, max(0.0, float(text)))
        except ValueError:
            return None
    scale = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
    return min(MAX_HINT_S, sum(float(n) * scale[u] for n, u in parts))


def retry_hint_from_message(message: str) -> float | None:
    """OpenAI-style "Please try again in 20s" / "in 1.5s" / "in 120ms" in an error message."""
    match = _TRY_AGAIN.search(message)
    if match is None:
        return None
    return parse_duration(match.group(1).replace(" ", ""))
