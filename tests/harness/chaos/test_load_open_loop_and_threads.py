"""The load generator's open loop (a call rate, capped by concurrency) and its threads:
continued with the server's id, ended by a failure, markers recorded per turn."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Mapping
from typing import Any

import anyio

from harness.chaos.load import LoadGenerator, LoadRecorder, dig
from harness.chaos.scenario import LoadSpec
from harness.mcp_client import CallOutcome


class ScriptedSlot:
    """Answers like a zen server: a continuation id per thread; fails the calls it is told to."""

    def __init__(self, fail_every: int = 0, latency_s: float = 0.0) -> None:
        self.calls: list[dict[str, Any]] = []
        self.in_flight = 0
        self.peak = 0
        self._fail_every = fail_every
        self._latency_s = latency_s

    async def call(self, tool: str, arguments: Mapping[str, Any], *, timeout_s: float) -> CallOutcome:
        self.calls.append(dict(arguments))
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        started = time.monotonic()
        try:
            await anyio.sleep(self._latency_s)
        finally:
            self.in_flight -= 1
        if self._fail_every and len(self.calls) % self._fail_every == 0:
            return CallOutcome(tool, "tool_error", started, 0.0, error="boom")
        cid = arguments.get("continuation_id") or f"c{len(self.calls)}"
        body = json.dumps(
            {"status": "continuation_available", "continuation_offer": {"continuation_id": cid}}
        )
        return CallOutcome(tool, "ok", started, 0.001, text=body)


class OneSlotPool:
    def __init__(self, slot: ScriptedSlot) -> None:
        self.slot = slot

    def slot_for(self, worker: int) -> ScriptedSlot:
        return self.slot


def generator(spec: LoadSpec, slot: ScriptedSlot) -> tuple[LoadGenerator, LoadRecorder]:
    recorder = LoadRecorder(t0=time.monotonic())
    pool: Any = OneSlotPool(slot)
    return LoadGenerator(spec, pool, recorder, workdir="/tmp/wd", seed=1), recorder


async def test_open_loop_paces_calls_and_caps_them_at_concurrency() -> None:
    spec = LoadSpec(rate=40, concurrency=2, continuation_ratio=1.0,
                    tools=[{"name": "chat", "arguments": {"path": "{workdir}/x", "n": 3}}])  # fmt: skip
    slot = ScriptedSlot(latency_s=0.1)
    load, recorder = generator(spec, slot)
    await load.run(0.5)
    # 40/s for 0.5 s offers ~20 calls, but only 2 can be in flight at 0.1 s each.
    assert 3 <= len(recorder.calls) <= 21
    assert slot.peak <= 2
    assert recorder.in_flight == 0
    assert all(call["path"] == "/tmp/wd/x" and call["n"] == 3 for call in slot.calls)
    # Each worker id keeps its thread: continuation ids come back on later calls.
    assert any("continuation_id" in call for call in slot.calls)
    assert {c.worker for c in recorder.calls} <= {0, 1}


async def test_a_failed_call_ends_its_thread_and_think_time_spaces_calls() -> None:
    spec = LoadSpec(concurrency=1, continuation_ratio=1.0, think_time_s=0.01, max_turns_per_thread=100)
    slot = ScriptedSlot(fail_every=3)
    load, recorder = generator(spec, slot)
    await load.run(0.3)
    calls = recorder.calls
    assert len(calls) >= 4
    for previous, call in itertools.pairwise(calls):
        if not previous.ok:
            assert not call.continued and call.thread != previous.thread
        else:
            assert call.continued and call.thread == previous.thread
    # Every turn's marker is recorded with whether the turn succeeded.
    turns = [turn for thread in recorder.threads.values() for turn in thread]
    assert len(turns) == len(calls)
    assert sum(1 for t in turns if not t.ok) == sum(1 for c in calls if not c.ok)


async def test_tools_without_prompt_or_continuation_are_called_as_configured() -> None:
    bare_tool = {"name": "version", "prompt_argument": None, "continuation_argument": None}
    spec = LoadSpec(concurrency=1, continuation_ratio=1.0, tools=[bare_tool])
    slot = ScriptedSlot()
    load, recorder = generator(spec, slot)
    await load.run(0.1)
    assert slot.calls and all(call == {} for call in slot.calls)
    assert recorder.threads == {}  # no marker, no integrity data
    assert all(c.marker is None and not c.continued for c in recorder.calls)


def test_dig_finds_only_non_empty_strings() -> None:
    body = {"a": {"b": "x", "empty": "", "n": 1}}
    assert dig(body, "a.b") == "x"
    assert dig(body, "a.empty") is None and dig(body, "a.n") is None
    assert dig(body, "a.b.c") is None and dig(None, "a") is None
