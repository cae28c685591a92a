"""Talking to the server with raw frames, so malformed ones can be sent at all.

``exchange(frame_text, expected)`` sends one frame and waits for the answers it must get:
over stdio, one line per answer; over HTTP, the HTTP response (JSON or one SSE stream).
An ``Exchange`` says what came back: the answers, whether any expected one is missing
(a hang) and the raw text (scanned for secrets).
"""

from __future__ import annotations

import json
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from harness.fuzz.target import ServerProcess

ANSWER_TIMEOUT_S = 30.0
PROTOCOL_VERSION = "2025-06-18"
INITIALIZE = {
    "protocolVersion": PROTOCOL_VERSION,
    "capabilities": {},
    "clientInfo": {"name": "zen-fuzz", "version": "1"},
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


@dataclass
class Exchange:
    answers: list[Any] = field(default_factory=list)
    missing: bool = False  # an answer the frame needed did not come
    status: int | None = None  # HTTP status
    text: str = ""


def answered_ids(answers: list[Any]) -> list[Any]:
    ids: list[Any] = []
    for answer in answers:
        for item in answer if isinstance(answer, list) else [answer]:
            if isinstance(item, dict) and ("result" in item or "error" in item):
                ids.append(item.get("id"))
    return ids


class StdioChannel:
    """Frames as lines on the server's stdin; answers read by a thread from its stdout."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self._lines: queue.Queue[bytes] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.server.process.stdout is not None
        for line in self.server.process.stdout:
            self._lines.put(line)
        self._lines.put(b"")

    def initialize(self) -> None:
        frame = {"jsonrpc": "2.0", "id": "init", "method": "initialize", "params": INITIALIZE}
        self.exchange(json.dumps(frame), ["init"])
        self.send(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}))

    def send(self, text: str) -> None:
        assert self.server.process.stdin is not None
        self.server.process.stdin.write(text.encode("utf-8", "surrogatepass") + b"\n")
        self.server.process.stdin.flush()

    def exchange(self, text: str, expected: list[Any]) -> Exchange:
        """Send ``text``; wait for one answer per id in ``expected`` (None: an id-null error)."""
        result = Exchange()
        try:
            self.send(text)
        except (BrokenPipeError, OSError):
            result.missing = bool(expected)
            return result
        waiting = list(expected)
        deadline = time.monotonic() + ANSWER_TIMEOUT_S
        while waiting:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                result.missing = True
                break
            if not line:
                result.missing = True
                break
            result.text += line.decode("utf-8", "replace")
            answer = json.loads(line)
            result.answers.append(answer)
            for got in answered_ids([answer]):
                if got in waiting:
                    waiting.remove(got)
        return result


class HttpChannel:
    """Frames as POST bodies on one session; each answer is the HTTP response."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self.session: str | None = None
        self._http = httpx.Client(timeout=ANSWER_TIMEOUT_S)

    def initialize(self) -> None:
        response = self._post(
            json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": INITIALIZE})
        )
        self.session = response.headers.get("mcp-session-id")
        headers = self._headers()
        body = json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"})
        self._http.post(self.server.url, content=body, headers=headers)

    def _headers(self) -> dict[str, str]:
        headers = dict(MCP_HEADERS)
        if self.session:
            headers |= {"mcp-session-id": self.session, "mcp-protocol-version": PROTOCOL_VERSION}
        return headers

    def _post(self, text: str) -> httpx.Response:
        return self._http.post(
            self.server.url, content=text.encode("utf-8", "surrogatepass"), headers=self._headers()
        )

    def exchange(self, text: str, expected: list[Any]) -> Exchange:
        result = Exchange()
        try:
            response = self._post(text)
        except httpx.TimeoutException:
            result.missing = True
            return result
        except httpx.HTTPError:
            result.missing = True
            return result
        result.status = response.status_code
        result.text = response.text
        for payload in _payloads(response):
            result.answers.append(payload)
        if response.status_code == 404 and self.session is not None:
            self.initialize()  # the session was closed (evicted or idle): open another
        return result

    def close(self) -> None:
        self._http.close()


def _payloads(response: httpx.Response) -> list[Any]:
    text = response.text
    chunks = [line[5:].strip() for line in text.splitlines() if line.startswith("data:")]
    if not chunks and text.strip():
        chunks = [text]
    out: list[Any] = []
    for chunk in chunks:
        try:
            out.append(json.loads(chunk))
        except ValueError:
            continue
    return out


__all__ = ["ANSWER_TIMEOUT_S", "Exchange", "HttpChannel", "StdioChannel", "answered_ids"]
