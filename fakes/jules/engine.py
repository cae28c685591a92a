"""JulesEngine: the model fakes' engine (behaviours, faults, seeds, stats, control API) over sessions.

Only answering differs: a request is routed and checked by :class:`JulesDialect`, answered
by :class:`JulesWorld`, and the answer's change is kept only when no fault replaced it.
Requests without an ``x-goog-api-key`` header are refused with 401, as the real API does.
"""

from __future__ import annotations

import dataclasses
import json

from fakes._errors import ProviderRequestError
from fakes.behaviours import FaultContext
from fakes.dialects.base import Endpoint, ParsedCall
from fakes.dialects.jules import JulesCall
from fakes.engine import FakeEngine
from fakes.jules.world import JulesWorld
from fakes.script import FakeRequest, Script, body_script, dump_json, json_script
from fakes.spec import ProviderBehaviour

API_KEY_HEADER = "x-goog-api-key"


class JulesEngine(FakeEngine):
    def __init__(self, behaviour: ProviderBehaviour | None = None, *, seed: int = 0) -> None:
        super().__init__("jules", behaviour, seed=seed)
        self.world = JulesWorld()

    def _respond(self, request: FakeRequest, seq: int) -> tuple[Script, Endpoint | None, ParsedCall | None]:
        endpoint = self.dialect.match(request.method, request.path, request.query)
        if endpoint is None:
            message = f"Unknown request URL: {request.method} {request.path} (zen-fakes jules)"
            return self._error(404, message), None, None
        if not (request.header(API_KEY_HEADER) or "").strip():
            message = "Request is missing a valid API key (x-goog-api-key header)."
            return self._refuse(401, message), endpoint, None
        try:
            body = json.loads(request.body) if request.body.strip() else None
            call = self.dialect.parse(endpoint, body)
        except ValueError as exc:  # json.JSONDecodeError included
            return self._refuse(400, f"Invalid JSON payload received: {exc}"), endpoint, None
        except ProviderRequestError as exc:
            return self._refuse(400, str(exc)), endpoint, None
        if isinstance(call, JulesCall) and call.api == "activities.list":
            size = request.query.get("pageSize", "30")
            if not size.isdigit() or not 1 <= int(size) <= 100:
                return self._refuse(400, f"pageSize must be between 1 and 100, got {size!r}"), endpoint, call
            call = dataclasses.replace(call, page_size=int(size))
        return self._answer(call, seq), endpoint, call

    def _refuse(self, status: int, message: str) -> Script:
        return json_script(status, self.dialect.error_payload(status, message, None), fault="bad_request")

    def _answer(self, call: ParsedCall, seq: int) -> Script:
        assert isinstance(call, JulesCall)
        behaviour = self._behaviour.for_model(call.model)
        fault_draw, latency_draw = self._draws(call.model)
        delay_s = behaviour.latency.sample_s(latency_draw)
        outcome = self.world.plan(call)
        payload = (
            self.dialect.error_payload(outcome.status, outcome.error, None)
            if outcome.error is not None
            else outcome.payload
        )
        body = dump_json(payload)
        index = self._pick_fault(call.model, behaviour, fault_draw)
        if index is not None:
            ctx = FaultContext(self.dialect, call, f"fake{seq:06d}", delay_s, 0.0, body, ())
            return behaviour.faults[index].script(ctx)
        outcome.commit()
        label = "none" if outcome.status < 400 else "refused"
        return body_script(outcome.status, body, delay_s=delay_s, fault=label)


__all__ = ["API_KEY_HEADER", "JulesEngine"]
