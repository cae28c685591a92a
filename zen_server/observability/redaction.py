"""Redaction of secrets from anything the server writes: audit lines and server logs.

Owns :class:`Redactor`, which removes every configured secret (``Settings.secrets()``)
and anything that looks like a credential even when it is not configured: ``Bearer``
tokens, ``sk-`` / ``xai-`` / ``AIza`` keys, ``x-goog-api-key`` / ``api_key`` /
``Authorization`` header or field values, and ``key=`` URL query parameters (Gemini's
REST style). Also the structlog processor that applies it to every log event.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

REDACTED = "[REDACTED]"

# Shorter configured "secrets" would redact ordinary words; real keys are far longer.
MIN_SECRET_LENGTH = 6

# Each pattern keeps its group 1 (the name or prefix) and replaces what follows it.
_CREDENTIAL_PATTERNS: tuple[str, ...] = (
    # Authorization: Bearer <token>, or a bare "bearer <token>" in a message.
    r"(\bbearer\s+)[A-Za-z0-9._~+/=-]{4,}",
    # Header, field or JSON key names followed by a value: api_key=..., "x-goog-api-key": "..."
    r"(\b(?:x-goog-api-key|x-api-key|api[_-]?key|access[_-]?token|auth[_-]?token|"
    r"authorization|password|secret)[\"']?\s*[:=]\s*[\"']?(?:basic\s+)?)(?!bearer\s)(?!\[REDACTED\])[^\s\"'&,;}]+",
    # ?key=... in URLs (Gemini's REST API takes the key as a query parameter).
    r"([?&]key=)[^&\s\"']+",
    # Well-known key shapes, redacted even when nobody configured them here.
    r"()\bsk-[A-Za-z0-9_-]{8,}",
    r"()\bxai-[A-Za-z0-9_-]{8,}",
    r"()\bAIza[0-9A-Za-z_-]{16,}",
)

# Every pattern above needs one of these (lower-cased) substrings to match.
_TRIGGERS = (
    "bearer", "key", "token", "authorization", "password", "secret", "sk-", "xai-", "aiza",
)  # fmt: skip


class Redactor:
    """Replaces secrets in strings and nested structures with ``[REDACTED]``.

    Pure and thread-safe: compiled once from the configured secrets, then only read.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so a secret containing another is removed whole.
        self._secrets = tuple(
            sorted({s for s in secrets if len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True)
        )
        self._patterns = re.compile("|".join(f"(?:{p})" for p in _CREDENTIAL_PATTERNS), re.IGNORECASE)

    def redact(self, text: str) -> str:
        """``text`` with every secret and credential-looking value replaced."""
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        # The pattern scan is slow; most strings hold no trigger word and skip it.
        lowered = text.lower()
        if any(trigger in lowered for trigger in _TRIGGERS):
            text = self._patterns.sub(_keep_prefix, text)
        return text

    def redact_value(self, value: object) -> object:
        """Redact strings inside dicts, lists and tuples; other values pass unchanged."""
        if isinstance(value, str):
            return self.redact(value)
        if value is None or isinstance(value, int | float):
            return value  # the common non-string leaves, before the slower ABC check below
        if isinstance(value, Mapping):
            return {str(k): self.redact_value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.redact_value(v) for v in value]
        return value

    def structlog_processor(
        self, logger: Any, method_name: str, event_dict: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        """A structlog processor: run it after exceptions are formatted, before rendering."""
        for key, value in event_dict.items():
            if isinstance(value, str | Mapping | list | tuple):
                event_dict[key] = self.redact_value(value)
            elif isinstance(value, BaseException):
                event_dict[key] = self.redact(repr(value))
        return event_dict


def _keep_prefix(match: re.Match[str]) -> str:
    # Exactly one alternative matched; its prefix group (possibly empty) is the first non-None.
    prefix = next((g for g in match.groups() if g is not None), "")
    return prefix + REDACTED
