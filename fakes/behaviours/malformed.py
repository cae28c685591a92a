"""Replies that arrive whole but are wrong: malformed JSON, a foreign content type, no choices."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from fakes.behaviours.base import FaultContext, FaultSpec
from fakes.script import Finish, Script, Send, body_script

_BROKEN_JSON = b'{"id": "fake-broken", "choices": [{"index": 0, "message": {"content": "unterminated'


class MalformedJsonFault(FaultSpec):
    """200 with a JSON content type and a body that is not JSON (mid-stream: one bad event)."""

    kind: Literal["malformed_json"] = "malformed_json"

    def script(self, ctx: FaultContext) -> Script:
        if not ctx.call.stream:
            return body_script(200, _BROKEN_JSON, delay_s=ctx.delay_s, fault="malformed_json")
        bad_event = b"data: " + _BROKEN_JSON + b"\n\n"
        return Script((*ctx.stream_prefix(0.5), Send(bad_event), Finish()), fault="malformed_json")


class WrongContentTypeFault(FaultSpec):
    """200 with an HTML page, as a captive portal or a misrouted proxy would send."""

    kind: Literal["wrong_content_type"] = "wrong_content_type"
    content_type: str = Field("text/html; charset=utf-8", min_length=1, max_length=200)

    def script(self, ctx: FaultContext) -> Script:
        page = b"<html><body><h1>502 Bad Gateway</h1><p>zen-fakes wrong_content_type</p></body></html>"
        return body_script(
            200, page, content_type=self.content_type, delay_s=ctx.delay_s, fault="wrong_content_type"
        )


class EmptyChoicesFault(FaultSpec):
    """A well-formed 200 with no choices (OpenAI) or no candidates (Gemini)."""

    kind: Literal["empty_choices"] = "empty_choices"

    def script(self, ctx: FaultContext) -> Script:
        if not ctx.call.stream:
            body = ctx.dialect.empty_body(ctx.call, ctx.call_id)
            return body_script(200, body, delay_s=ctx.delay_s, fault="empty_choices")
        events = ctx.dialect.empty_events(ctx.call, ctx.call_id)
        empty = FaultContext(ctx.dialect, ctx.call, ctx.call_id, ctx.delay_s, 0.0, b"", tuple(events))
        return Script((*empty.stream_prefix(1.0), Finish()), fault="empty_choices")
