"""The transport-neutral description of one HTTP reply: a script of steps.

Behaviours never touch a socket. They return a `Script` (pause, start the response, send
bytes, finish, drop the connection, hang, gather with other requests), and two executors
play it: `fakes.wire` on a real TCP connection and `fakes.respx_routes` inside httpx. That
is what lets the very same faults run behind a TCP proxy and in a unit test.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Pause:
    """Wait this long before the next step (cut short if the client goes away)."""

    seconds: float


@dataclass(frozen=True)
class Start:
    """Send the status line and headers; `content_length=None` means a chunked body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    content_length: int | None


@dataclass(frozen=True)
class Send:
    """Send these body bytes."""

    data: bytes


@dataclass(frozen=True)
class Finish:
    """End the response cleanly (the connection may be reused)."""


@dataclass(frozen=True)
class Drop:
    """Abort the connection right now, whatever was or was not sent."""


@dataclass(frozen=True)
class Hang:
    """Send nothing more until the client disconnects or the fake shuts down, then drop."""


@dataclass(frozen=True)
class Gather:
    """Wait until ``count`` requests wait here together, then all go on (a rendezvous)."""

    count: int


Step = Pause | Start | Send | Finish | Drop | Hang | Gather


@dataclass(frozen=True)
class Script:
    """The steps of one reply plus the label the stats record for it."""

    steps: tuple[Step, ...]
    fault: str = "none"
    status: int = field(init=False)

    def __post_init__(self) -> None:
        # The status the stats count: that of the first Start, or 0 when no response starts.
        status = next((step.status for step in self.steps if isinstance(step, Start)), 0)
        object.__setattr__(self, "status", status)


JSON_TYPE = "application/json"
SSE_TYPE = "text/event-stream"


def dump_json(payload: Any) -> bytes:
    """Compact, stable JSON as the real APIs send it."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def body_script(
    status: int,
    body: bytes,
    *,
    content_type: str = JSON_TYPE,
    headers: tuple[tuple[str, str], ...] = (),
    delay_s: float = 0.0,
    fault: str = "none",
) -> Script:
    """A complete, well-formed reply with a fixed body after an optional delay."""
    steps: list[Step] = []
    if delay_s > 0:
        steps.append(Pause(delay_s))
    steps += [Start(status, (("content-type", content_type), *headers), len(body)), Send(body), Finish()]
    return Script(tuple(steps), fault=fault)


def json_script(status: int, payload: Any, **kwargs: Any) -> Script:
    """`body_script` for a JSON payload."""
    return body_script(status, dump_json(payload), **kwargs)


def stream_steps(events: list[bytes], *, first_delay_s: float, chunk_delay_s: float) -> list[Step]:
    """Start a chunked SSE reply and send each event with the configured gaps (no Finish)."""
    steps: list[Step] = []
    if first_delay_s > 0:
        steps.append(Pause(first_delay_s))
    steps.append(Start(200, (("content-type", SSE_TYPE), ("cache-control", "no-cache")), None))
    for index, event in enumerate(events):
        if index > 0 and chunk_delay_s > 0:
            steps.append(Pause(chunk_delay_s))
        steps.append(Send(event))
    return steps


@dataclass(frozen=True)
class FakeRequest:
    """One HTTP request as both executors hand it to the engine (header names lower-cased)."""

    method: str
    path: str
    query: dict[str, str]
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key == wanted), None)
