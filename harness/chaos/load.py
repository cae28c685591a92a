"""The load a scenario runs while faults come and go: workers calling tools over MCP.

Closed loop (``concurrency`` workers, each calling again as soon as it has an answer) or
open loop (``rate`` calls per second, at most ``concurrency`` in flight). Each worker keeps
a conversation thread: with probability ``continuation_ratio`` it continues it with the
server's continuation id, else it starts a new one. Every prompt carries a unique marker,
placed after 200+ characters so a fake's echo of the prompt's start never repeats it; the
integrity hypothesis finds those markers in what the providers received.
"""

from __future__ import annotations

import random
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import anyio

from harness.chaos.records import CallRecord, ThreadTurn
from harness.chaos.scenario import LoadSpec, ToolMix
from harness.chaos.sessions import SessionPool
from harness.mcp_client import CallOutcome

MIN_PREFIX_CHARS = 220
REPLY_CHARS = 4000  # of each reply, kept for the secrets verdict
ERROR_PAUSE_S = 0.05  # after a failure, so a fast-failing server does not spin workers
# The fakes open every reply with "FAKE-REPLY model=... digest=<12 hex>" (fakes/reply.py): the
# assistant's turn, traceable in what the server sends its provider on the thread's next turns.
REPLY_MARKER = re.compile(r"FAKE-REPLY [^\n]*?(digest=[0-9a-f]{12})")


def reply_marker(text: str) -> str | None:
    found = REPLY_MARKER.search(text)
    return found.group(1) if found else None


@dataclass
class LoadRecorder:
    """Shared, append-only record of the load (one event loop, so no locks)."""

    t0: float
    calls: list[CallRecord] = field(default_factory=list)
    threads: dict[str, list[ThreadTurn]] = field(default_factory=dict)
    in_flight: int = 0
    replies: list[str] = field(default_factory=list)  # what each call returned (for the secrets verdict)

    def now(self) -> float:
        return time.monotonic() - self.t0


@dataclass
class _Thread:
    key: str
    continuation_id: str | None = None
    turns: int = 0


def filler_text(words: int) -> str:
    """Deterministic prose-like filler of at least ``words`` words and 220 characters."""
    vocabulary = ("review", "the", "module", "for", "edge", "cases", "and", "explain", "risks", "briefly")
    out: list[str] = []
    while len(out) < words or sum(len(w) + 1 for w in out) < MIN_PREFIX_CHARS:
        out.append(vocabulary[len(out) % len(vocabulary)])
    return " ".join(out)


def new_marker() -> str:
    # Fixed width with a closing letter, so no marker is a prefix of another.
    return f"ZMK{uuid.uuid4().hex[:16]}Q"


def dig(body: Any, dotted: str) -> str | None:
    """``a.b.c`` looked up in nested dicts; None when any step is missing."""
    node = body
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, str) and node else None


class LoadGenerator:
    """Runs the scenario's load against a session pool until a deadline."""

    def __init__(
        self, spec: LoadSpec, pool: SessionPool, recorder: LoadRecorder, *, workdir: str, seed: int
    ) -> None:
        self._spec = spec
        self._pool = pool
        self._rec = recorder
        self._workdir = workdir
        self._random = random.Random(seed)
        self._filler = filler_text(spec.prompt_words)
        self._thread_count = 0
        self._weights = [tool.weight for tool in spec.tools]
        # workers_per_thread > 1: workers in one group continue one thread at once.
        self._shared: dict[int, _Thread] = {}

    async def run(self, duration_s: float) -> None:
        deadline = time.monotonic() + duration_s
        if self._spec.rate is None:
            async with anyio.create_task_group() as group:
                for worker in range(self._spec.concurrency):
                    group.start_soon(self._closed_loop, worker, deadline)
        else:
            await self._open_loop(deadline)

    async def _closed_loop(self, worker: int, deadline: float) -> None:
        thread: _Thread | None = None
        while time.monotonic() < deadline:
            thread = await self._one_call(worker, thread)
            if self._spec.think_time_s:
                await anyio.sleep(self._spec.think_time_s)

    async def _open_loop(self, deadline: float) -> None:
        assert self._spec.rate is not None
        interval = 1.0 / self._spec.rate
        limiter = anyio.CapacityLimiter(self._spec.concurrency)
        threads: dict[int, _Thread | None] = {}

        async def one(worker: int) -> None:
            async with limiter:
                threads[worker] = await self._one_call(worker, threads.get(worker))

        async with anyio.create_task_group() as group:
            next_at = time.monotonic()
            tick = 0
            while next_at < deadline:
                # Each tick reuses a worker id modulo concurrency, so threads continue.
                group.start_soon(one, tick % self._spec.concurrency)
                tick += 1
                next_at += interval
                await anyio.sleep(max(0.0, next_at - time.monotonic()))

    def _pick_tool(self) -> ToolMix:
        return self._random.choices(self._spec.tools, weights=self._weights)[0]

    def _arguments(self, tool: ToolMix, thread: _Thread, marker: str) -> dict[str, Any]:
        args: dict[str, Any] = {
            key: value.replace("{workdir}", self._workdir) if isinstance(value, str) else value
            for key, value in tool.arguments.items()
        }
        if tool.prompt_argument:
            args[tool.prompt_argument] = f"{self._filler} [{marker}]"
        if tool.continuation_argument and thread.continuation_id:
            args[tool.continuation_argument] = thread.continuation_id
        return args

    def _next_thread(self, worker: int, thread: _Thread | None) -> _Thread:
        if self._spec.workers_per_thread > 1:
            return self._shared_thread(worker)
        keep = (
            thread is not None
            and thread.continuation_id is not None
            and thread.turns < self._spec.max_turns_per_thread
            and self._random.random() < self._spec.continuation_ratio
        )
        if keep and thread is not None:
            return thread
        self._thread_count += 1
        return _Thread(key=f"w{worker}-{self._thread_count}")

    def _shared_thread(self, worker: int) -> _Thread:
        """The group's thread, which its workers continue concurrently; a new one once it is
        long enough, or (with no continuation id yet) the same one, started by whoever is first."""
        group = worker // self._spec.workers_per_thread
        thread = self._shared.get(group)
        if thread is None or thread.turns >= self._spec.max_turns_per_thread:
            self._thread_count += 1
            thread = self._shared[group] = _Thread(key=f"g{group}-{self._thread_count}")
        return thread

    async def _one_call(self, worker: int, previous: _Thread | None) -> _Thread | None:
        tool = self._pick_tool()
        thread = self._next_thread(worker, previous)
        marker = new_marker()
        continued = thread.continuation_id is not None
        timeout = self._spec.call_timeout_s
        self._rec.in_flight += 1
        try:
            # spread_turns: each turn of a thread on the next session (next instance, with a
            # cluster reached directly), so every continuation crosses an instance boundary.
            slot = worker + (thread.turns if self._spec.spread_turns else 0)
            outcome = await self._pool.slot_for(slot).call(
                tool.name, self._arguments(tool, thread, marker), timeout_s=timeout
            )
        finally:
            self._rec.in_flight -= 1
        offered = (
            dig(outcome.json(), self._spec.continuation_path)
            if outcome.ok and tool.continuation_argument
            else None
        )
        self._record(worker, outcome, thread, marker if tool.prompt_argument else None, continued, offered)
        if not outcome.ok:
            await anyio.sleep(ERROR_PAUSE_S)
            if self._spec.keep_thread_after_error and thread.continuation_id is not None:
                return thread  # the scenario says the thread must survive (e.g. a restart)
            return None  # a failed turn ends the thread: it may not exist any more
        thread.turns += 1
        shared = self._spec.workers_per_thread > 1  # a shared thread keeps the id another call got
        thread.continuation_id = (offered or thread.continuation_id) if shared else offered
        return thread

    def _record(
        self,
        worker: int,
        outcome: CallOutcome,
        thread: _Thread,
        marker: str | None,
        continued: bool,
        offered: str | None,
    ) -> None:
        start = outcome.started - self._rec.t0
        self._rec.replies.append(outcome.text[:REPLY_CHARS] + (f"\n{outcome.error}" if outcome.error else ""))
        self._rec.calls.append(
            CallRecord(
                worker=worker,
                tool=outcome.tool,
                kind=outcome.kind,
                start=start,
                latency_s=outcome.latency_s,
                thread=thread.key,
                marker=marker,
                continued=continued,
                error=outcome.error,
                acknowledged=offered is not None,
            )
        )
        if marker is not None:
            # ``offered``: the server acknowledged this turn as stored in that thread.
            turn = ThreadTurn(
                marker,
                outcome.ok,
                offered,
                reply=reply_marker(outcome.text) if outcome.ok else None,
                start=start,
                end=start + outcome.latency_s,
            )
            self._rec.threads.setdefault(thread.key, []).append(turn)
