"""The brain of one fake provider: behaviour, seeded randomness, stats, and the reply for a request.

`FakeEngine.exchange(request)` yields the `Script` to play and keeps the in-flight count
exact around its playing; both executors (`fakes.wire`, `fakes.respx_routes`) use it, so
a fault behaves the same on a real socket and inside httpx.

Determinism: each (provider, model) has its own `random.Random` seeded from
sha256(f"{seed}:{provider}:{model}"), and every generation request draws exactly two
numbers from it (fault choice, latency), so the same seed and the same request order
give the same faults and delays whatever the faults are.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from fakes._errors import ProviderRequestError
from fakes.behaviours import FaultContext
from fakes.control import handle_control
from fakes.dialects import DIALECTS, Dialect, Endpoint, ParsedCall
from fakes.dialects.jules import OPERATIONS
from fakes.rendezvous import Rendezvous
from fakes.reply import reply_text, split_chunks, usage_for
from fakes.script import FakeRequest, Finish, Script, body_script, json_script, stream_steps
from fakes.spec import Behaviour, ProviderBehaviour
from fakes.stats import RecordedCall, StatsRecorder, decode_body

CONTROL_PREFIX = "/_fake"

DEFAULT_MODELS: dict[str, tuple[str, ...]] = {
    "openai": ("gpt-5", "gpt-5-mini", "gpt-4.1", "o3", "o3-mini", "o3-pro", "o4-mini"),
    "gemini": ("gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.0-flash"),
    # Jules has operations, not models; behaviours and stats key on them.
    "jules": OPERATIONS,
}


def model_rng(seed: int, provider: str, model: str) -> random.Random:
    """The seeded random stream of one provider+model."""
    digest = hashlib.sha256(f"{seed}:{provider}:{model}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


class FakeEngine:
    """One provider's fake: call `exchange()` per request; control it via `/_fake/*` or methods."""

    def __init__(self, provider: str, behaviour: ProviderBehaviour | None = None, *, seed: int = 0) -> None:
        if provider not in DIALECTS:
            raise ValueError(f"unknown provider {provider!r}; choose from {sorted(DIALECTS)}")
        self.provider = provider
        self.dialect: Dialect = DIALECTS[provider]
        self._initial = behaviour or ProviderBehaviour()
        self._behaviour = self._initial
        self.seed = seed
        self.stats = StatsRecorder(self._initial.recent_bodies)
        self._lock = threading.Lock()
        self._rngs: dict[str, random.Random] = {}
        self._fired: dict[tuple[str, int], int] = {}
        self.rendezvous = Rendezvous()  # where Gather steps meet, on the executor's loop

    # -- behaviour -------------------------------------------------------------------------
    @property
    def behaviour(self) -> ProviderBehaviour:
        return self._behaviour

    def set_behaviour(self, behaviour: ProviderBehaviour) -> None:
        """Replace the behaviour; `max_count` budgets start again."""
        with self._lock:
            self._behaviour = behaviour
            self._fired.clear()

    def reset(self, *, behaviour: bool = False, seed: int | None = None) -> None:
        """Zero the stats and restart the random streams (and the initial behaviour if asked)."""
        with self._lock:
            if seed is not None:
                self.seed = seed
            if behaviour:
                self._behaviour = self._initial
            self._rngs.clear()
            self._fired.clear()
        self.stats.reset(self._behaviour.recent_bodies)

    def listed_models(self) -> list[str]:
        listed = self._behaviour.listed_models
        if listed is not None:
            return list(listed)
        extra = [m for m in self._behaviour.models if m not in DEFAULT_MODELS[self.provider]]
        return [*DEFAULT_MODELS[self.provider], *extra]

    # -- requests --------------------------------------------------------------------------
    @staticmethod
    def is_control(path: str) -> bool:
        return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")

    @contextmanager
    def exchange(self, request: FakeRequest) -> Iterator[Script]:
        """The script answering `request`; provider requests count as in flight until exit."""
        if self.is_control(request.path):
            yield handle_control(self, request)
            return
        seq = self.stats.started()
        try:
            script, endpoint, call = self._respond(request, seq)
            self.stats.record(
                RecordedCall(
                    seq=seq,
                    method=request.method,
                    path=request.path,
                    model=call.model if call else (endpoint.model if endpoint else None),
                    stream=call.stream if call else False,
                    fault=script.fault,
                    status=script.status,
                    body=decode_body(request.body),
                    at=time.time(),
                )
            )
            yield script
        finally:
            self.stats.finished()

    def _respond(self, request: FakeRequest, seq: int) -> tuple[Script, Endpoint | None, ParsedCall | None]:
        endpoint = self.dialect.match(request.method, request.path, request.query)
        if endpoint is None:
            message = f"Unknown request URL: {request.method} {request.path} (zen-fakes {self.provider})"
            return self._error(404, message), None, None
        if endpoint.kind == "models":
            return json_script(200, self.dialect.models_payload(self.listed_models())), endpoint, None
        try:
            body = json.loads(request.body) if request.body else None
            call = self.dialect.parse(endpoint, body)
        except ValueError as exc:  # json.JSONDecodeError included
            return (
                self._error(400, f"We could not parse the JSON body of your request: {exc}"),
                endpoint,
                None,
            )
        except ProviderRequestError as exc:
            return self._error(400, str(exc)), endpoint, None
        return self._generate(call, seq), endpoint, call

    def _error(self, status: int, message: str) -> Script:
        return json_script(status, self.dialect.error_payload(status, message, None), fault="bad_request")

    def _draws(self, model: str) -> tuple[float, float]:
        with self._lock:
            rng = self._rngs.get(model)
            if rng is None:
                rng = self._rngs[model] = model_rng(self.seed, self.provider, model)
            return rng.random(), rng.random()

    def _pick_fault(self, model: str, behaviour: Behaviour, draw: float) -> int | None:
        """Index of the fault this draw selects (faults share [0, 1) by rate), or None."""
        edge = 0.0
        with self._lock:
            for index, fault in enumerate(behaviour.faults):
                fired = self._fired.get((model, index), 0)
                if fault.max_count is not None and fired >= fault.max_count:
                    continue
                edge += fault.rate
                if draw < edge:
                    self._fired[(model, index)] = fired + 1
                    return index
        return None

    def _generate(self, call: ParsedCall, seq: int) -> Script:
        behaviour = self._behaviour.for_model(call.model)
        fault_draw, latency_draw = self._draws(call.model)
        latency_s = behaviour.latency.sample_s(latency_draw)
        ttft = behaviour.stream.ttft_ms
        delay_s = ttft / 1000.0 if call.stream and ttft is not None else latency_s
        chunk_delay_s = behaviour.stream.chunk_delay_ms / 1000.0
        text = reply_text(
            call.model,
            call.conversation,
            template=behaviour.reply_text,
            padding_words=behaviour.reply_padding_words,
        )
        usage = usage_for(call.conversation, text)
        call_id = f"fake{seq:06d}"
        if call.stream:
            chunks = split_chunks(text, behaviour.stream.chunks)
            events = tuple(self.dialect.success_events(call, chunks, usage, call_id))
            body = b""
        else:
            events = ()
            body = self.dialect.success_body(call, text, usage, call_id)
        index = self._pick_fault(call.model, behaviour, fault_draw)
        if index is not None:
            ctx = FaultContext(self.dialect, call, call_id, delay_s, chunk_delay_s, body, events)
            return behaviour.faults[index].script(ctx)
        if not call.stream:
            return body_script(200, body, delay_s=delay_s)
        return Script(
            (*stream_steps(list(events), first_delay_s=delay_s, chunk_delay_s=chunk_delay_s), Finish())
        )
