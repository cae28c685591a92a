"""What every provider dialect (wire format) offers the engine and the behaviours."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

from fakes.reply import Conversation, Usage

EndpointKind = Literal["models", "generate"]


@dataclass(frozen=True)
class Endpoint:
    """A provider URL the dialect recognised; `model`/`stream` are set when the path says so."""

    kind: EndpointKind
    api: str
    model: str | None = None
    stream: bool | None = None


@dataclass(frozen=True)
class ParsedCall:
    """A generation request reduced to what the fake needs to answer it."""

    api: str
    model: str
    stream: bool
    conversation: Conversation
    include_usage: bool = False


class Dialect(Protocol):
    """A provider's wire format: routes, request parsing, success, error and empty bodies."""

    provider: str

    def match(self, method: str, path: str, query: dict[str, str]) -> Endpoint | None: ...

    def parse(self, endpoint: Endpoint, body: Any) -> ParsedCall: ...

    def success_body(self, call: ParsedCall, text: str, usage: Usage, call_id: str) -> bytes: ...

    def success_events(
        self, call: ParsedCall, chunks: list[str], usage: Usage, call_id: str
    ) -> list[bytes]: ...

    def empty_body(self, call: ParsedCall, call_id: str) -> bytes: ...

    def empty_events(self, call: ParsedCall, call_id: str) -> list[bytes]: ...

    def error_payload(self, status: int, message: str, retry_after_s: float | None) -> Any: ...

    def models_payload(self, models: list[str]) -> Any: ...


def sse_event(data: bytes, event: str | None = None) -> bytes:
    """One server-sent event; `event:` line only when the API names its events."""
    head = f"event: {event}\n".encode() if event else b""
    return head + b"data: " + data + b"\n\n"
