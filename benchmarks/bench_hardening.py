"""Issue 5's "Done when", measured: admission, deadlines, breakers, retries, fallback, memory.

    python benchmarks/bench_hardening.py            # about 30 s; prints a table

Every check runs the server as ``zen_server.server.build_app`` builds it (the composition
the CLI runs) against the real fake providers (``fakes.FakeServer``, real sockets), calling
the executor as the MCP adapter does. The memory check runs
``tests/integration/memory_probe.py`` in a child process so its RSS is its own.
Targets are the issue's exact figures; the tests in ``tests/integration/`` assert the same
behaviour, some with margins for a noisy shared machine (see docs/hardening.md).
Exit status 0 when every row with a target passes, 1 otherwise.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.shared import Rows, app_for  # noqa: E402
from fakes.testing import FakeServer  # noqa: E402
from zen_server.server import ZenApp  # noqa: E402
from zen_server.tools.base import ToolResult  # noqa: E402

PROBE = ROOT / "tests" / "integration" / "memory_probe.py"
MB = 1024 * 1024


# --- plumbing ----------------------------------------------------------------------------
ROWS = Rows()
row = ROWS.add


class Fake:
    """A FakeServer that also notes when each provider request arrived."""

    def __init__(self, **default: Any) -> None:
        self.server = FakeServer("openai", seed=5, behaviour={"default": default}).start()
        self.arrivals: list[float] = []
        engine = self.server.engine
        original = engine.exchange
        arrivals = self.arrivals

        @contextmanager
        def exchange(request: Any) -> Iterator[Any]:
            if not engine.is_control(request.path):
                arrivals.append(time.monotonic())
            with original(request) as script:
                yield script

        engine.exchange = exchange  # type: ignore[method-assign]

    @property
    def url(self) -> str:
        return self.server.openai_base_url

    def stats(self) -> dict[str, Any]:
        return self.server.engine.stats.snapshot(bodies=0)

    def faults(self, *faults: dict[str, Any]) -> None:
        self.server.control.set_default({"faults": list(faults)})

    def stop(self) -> None:
        self.server.stop()


@contextmanager
def fakes(*defaults: dict[str, Any]) -> Iterator[list[Fake]]:
    started = [Fake(**d) for d in defaults]
    try:
        yield started
    finally:
        for fake in started:
            fake.stop()


@dataclass
class Call:
    result: ToolResult
    seconds: float

    @property
    def ok(self) -> bool:
        return self.result.status != "error"

    @property
    def error_type(self) -> str | None:
        return None if self.ok else self.result.metadata.get("error_type")


_ids = iter(range(10**9))


async def chat(app: ZenApp, prompt: str = "hello", model: str = "llama3.2", **extra: Any) -> Call:
    arguments = {"prompt": prompt, "model": model, "working_directory_absolute_path": "/tmp", **extra}
    started = time.monotonic()
    result = await app.executor.call("chat", arguments, session_id=None, request_id=f"b{next(_ids)}")
    return Call(result, time.monotonic() - started)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


# --- checks ------------------------------------------------------------------------------
async def load_100(provider_max_in_flight: int | None) -> None:
    with fakes({"latency": {"fixed_ms": 1000}}) as (fake,):
        extra = (
            {} if provider_max_in_flight is None else {"zen_provider_max_in_flight": provider_max_in_flight}
        )
        async with app_for(custom_api_url=fake.url, zen_tool_deadline_s=30, **extra) as app:
            started = time.monotonic()
            calls = await asyncio.gather(*(chat(app, f"q{i}") for i in range(100)))
            wall = time.monotonic() - started
    ok = sum(c.ok for c in calls)
    knob = (
        "ZEN_PROVIDER_MAX_IN_FLIGHT unset (default: MAX_CONCURRENT_REQUESTS)"
        if provider_max_in_flight is None
        else f"ZEN_PROVIDER_MAX_IN_FLIGHT={provider_max_in_flight}"
    )
    row(
        f"100 concurrent chat calls @1 s latency, {knob}",
        "all succeed, wall < 2 s",
        f"{ok}/100 ok, wall {wall:.2f} s, provider peak {fake.stats()['max_in_flight']} in flight",
        ok == 100 and wall < 2.0,
    )


async def admission() -> None:
    with fakes({"latency": {"fixed_ms": 1000}}) as (fake,):
        async with app_for(
            custom_api_url=fake.url, max_concurrent_requests=10, max_queued_requests=5, zen_tool_deadline_s=30
        ) as app:
            calls = await asyncio.gather(*(chat(app, f"q{i}") for i in range(100)))
    rejected = [c for c in calls if not c.ok]
    busy = [c for c in rejected if c.error_type == "AdmissionRejected" and "server busy" in c.result.content]
    peak = fake.stats()["max_in_flight"]
    row(
        "MAX_CONCURRENT_REQUESTS=10, MAX_QUEUED_REQUESTS=5, 100 calls: provider concurrency",
        "<= 10 in flight",
        f"peak {peak} in flight; {len(calls) - len(rejected)} answered, {len(rejected)} rejected",
        peak <= 10,
    )
    times = sorted(c.seconds for c in rejected)
    row(
        "  rejected calls: busy error and its latency",
        '"server busy, retry after N s" < 100 ms',
        f"{len(busy)}/{len(rejected)} busy errors; p50 {ms(statistics.median(times))}, max {ms(times[-1])}",
        len(busy) == len(rejected) > 0 and times[-1] < 0.1,
    )


async def breaker() -> None:
    deadline_s = 3.0
    with fakes({"faults": [{"kind": "error", "status": 500, "rate": 1.0}]}) as (fake,):
        async with app_for(
            custom_api_url=fake.url, zen_tool_deadline_s=deadline_s, zen_breaker_open_s=1.0
        ) as app:
            calls: list[Call] = []
            while app.gateway.breaker_states().get("custom") != "open" and len(calls) < 20:
                calls.append(await chat(app))
            at_open = fake.stats()["requests"]
            row(
                "provider answers 500: breaker opens after its threshold",
                "opens at ZEN_BREAKER_CONSECUTIVE_FAILURES=12 failures in a row",
                f"opened after {at_open} provider failures ({len(calls)} tool calls with retries)",
                at_open == 12,
            )
            open_calls = [await chat(app) for _ in range(50)]
            refused = [c for c in open_calls if c.error_type == "CircuitOpenError"]
            worst = max(c.seconds for c in open_calls)
            row(
                "  while open: calls fail fast",
                "< 50 ms, provider not called",
                f"{len(refused)}/50 CircuitOpenError, max {ms(worst)}, "
                f"{fake.stats()['requests'] - at_open} provider calls",
                len(refused) == 50 and worst < 0.05 and fake.stats()["requests"] == at_open,
            )
            fake.faults()
            await asyncio.sleep(1.05)
            probe = await chat(app)
            states = app.gateway.breaker_states()
            row(
                "  fault clears: half-open probe closes it",
                "probe succeeds, breaker closed",
                f"probe {'ok' if probe.ok else probe.error_type} in {ms(probe.seconds)}; states {states}",
                probe.ok and set(states.values()) == {"closed"},
            )
            calls += [*open_calls, probe]
    worst = max(c.seconds for c in calls)
    row(
        "  no call exceeds its deadline",
        f"every call <= {deadline_s:.0f} s deadline",
        f"slowest call {worst:.2f} s of {len(calls)}",
        worst <= deadline_s,
    )


async def fallback() -> None:
    with fakes({"faults": [{"kind": "error", "status": 503, "rate": 1.0}]}, {}) as (primary, secondary):
        async with app_for(
            openai_api_key="sk-bench-00000000",
            openai_base_url=primary.url,
            openrouter_api_key="sk-or-bench-0000000",
            openrouter_base_url=secondary.url,
            zen_tool_deadline_s=10,
        ) as app:
            calls = [await chat(app, f"q{i}", model="gpt5") for i in range(30)]
            states = app.gateway.breaker_states()
    named = [c for c in calls if c.ok and c.result.metadata.get("provider_used") == "openrouter"]
    models = {str(c.result.metadata.get("model_used")) for c in named}
    row(
        "primary provider down: calls succeed through the secondary",
        "all succeed, metadata names the secondary",
        f"{len(named)}/{len(calls)} ok via provider_used=openrouter, model_used={sorted(models)}",
        len(named) == len(calls),
    )
    after_open = sorted(c.seconds for c in calls[10:])
    row(
        "  fallback while the primary's breaker is open",
        "< 50 ms (fast fallback)",
        f"primary breaker {states.get('openai')}; p50 {ms(statistics.median(after_open))}, "
        f"max {ms(after_open[-1])} (secondary at 0 ms latency)",
        after_open[-1] < 0.05,
    )


async def hang() -> None:
    deadline_s = 2.0
    with fakes(
        {"faults": [{"kind": "hang", "at": "start", "rate": 1.0}]}, {"latency": {"fixed_ms": 100}}
    ) as (
        hanging,
        healthy,
    ):
        async with app_for(
            openai_api_key="sk-bench-00000000",
            openai_base_url=hanging.url,
            custom_api_url=healthy.url,
            zen_tool_deadline_s=deadline_s,
        ) as app:
            stuck = asyncio.create_task(chat(app, "hang", model="gpt5"))
            await asyncio.to_thread(hanging.server.control.wait_for_in_flight, 1)
            others: list[Call] = []
            for _ in range(3):
                others += await asyncio.gather(*(chat(app, f"ok{i}") for i in range(10)))
            hung = await stuck
    row(
        "provider hangs: call returns a deadline error at its deadline",
        f"{deadline_s:.1f} s +/- 10%",
        f"{hung.error_type} after {hung.seconds:.3f} s: {hung.result.content[:70]}...",
        not hung.ok
        and "deadline" in hung.result.content
        and abs(hung.seconds - deadline_s) <= 0.1 * deadline_s,
    )
    worst = max(c.seconds for c in others)
    p50 = statistics.median(c.seconds for c in others)
    row(
        "  concurrent calls to a healthy provider (100 ms latency)",
        "unaffected",
        f"{sum(c.ok for c in others)}/{len(others)} ok, p50 {ms(p50)}, max {ms(worst)}",
        all(c.ok for c in others) and worst < 0.5,
    )


async def rate_limited() -> None:
    fault = {"kind": "error", "status": 429, "retry_after_s": 2, "rate": 1.0, "max_count": 2}
    with fakes({"faults": [fault]}) as (fake,):
        async with app_for(custom_api_url=fake.url, zen_tool_deadline_s=10) as app:
            call = await chat(app)
    gaps = [b - a for a, b in zip(fake.arrivals, fake.arrivals[1:], strict=False)]
    row(
        "429 with Retry-After: 2 (twice): retry spacing at the fake",
        "no retry sooner than 2 s",
        f"call {'ok' if call.ok else call.error_type} after {call.seconds:.2f} s; "
        f"gaps {', '.join(f'{g:.3f} s' for g in gaps)}",
        call.ok and len(gaps) == 2 and min(gaps) >= 2.0,
    )


async def conversations() -> None:
    with fakes({}) as (fake,):
        async with app_for(custom_api_url=fake.url, zen_tool_deadline_s=1.5, zen_store_max_threads=3) as app:
            first = await chat(app, "remember 42")
            thread = first.result.continuation_id
            assert thread is not None
            counts = []
            for fault in (
                {"kind": "error", "status": 500, "rate": 1.0},
                {"kind": "drop", "rate": 1.0},
                {"kind": "hang", "at": "start", "rate": 1.0},
            ):
                fake.faults(fault)
                failed = await chat(app, "what number?", continuation_id=thread)
                counts.append((fault["kind"], failed.ok, len((await app.store.get(thread)).turns)))
    row(
        "dead provider (500 / drop / hang): failed continuation records nothing",
        "turn count unchanged (2)",
        ", ".join(f"{k}: {'ok' if ok else 'failed'}, {n} turns" for k, ok, n in counts),
        all(not ok and n == 2 for _, ok, n in counts),
    )
    with fakes({}) as (fake,):
        # A fresh server: the faults above opened the breaker of the first one.
        async with app_for(custom_api_url=fake.url, zen_store_max_threads=3) as app:
            oldest = await chat(app, "remember 42")
            for i in range(3):
                await chat(app, f"newer {i}")
            late = await chat(app, "still there?", continuation_id=oldest.result.continuation_id)
    row(
        "continuation_id of an evicted thread",
        'clear "thread expired" error',
        f"{late.error_type}: {late.result.content[:80]}...",
        late.error_type == "ThreadExpiredError" and "expired" in late.result.content,
    )


def memory() -> None:
    command = [
        sys.executable,
        str(PROBE),
        "--threads",
        "10000",
        "--turn-kb",
        "16",
        "--memory-limit-mb",
        "512",
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    if run.returncode != 0:
        row("10,000 threads with large turns", "probe runs", run.stderr[-300:], False)
        return
    r = json.loads(run.stdout)
    budget = r["byte_budget"]
    row(
        "10,000 threads x 2 turns x 16 KiB (320 MB offered), MEMORY_LIMIT_MB=512",
        f"store <= byte budget {budget / MB:.0f} MiB",
        f"max {r['max_store_bytes'] / MB:.1f} MiB, {r['over_budget_writes']} writes over, "
        f"{r['threads_kept']} kept, {r['evictions']} evicted, load {r['load_s']} s",
        r["over_budget_writes"] == 0 and r["max_store_bytes"] <= budget,
    )
    growth = r["rss_peak"] - r["rss_baseline"]
    residue = r["rss_after"] - r["rss_baseline"]
    row(
        "  RSS (child process): baseline -> peak -> after TTL sweep",
        "returns near baseline",
        f"{r['rss_baseline'] / MB:.1f} -> {r['rss_peak'] / MB:.1f} -> {r['rss_after'] / MB:.1f} MiB "
        f"(growth {growth / MB:.1f}, residue {residue / MB:.1f} MiB)",
        residue <= max(16 * MB, 0.1 * growth),
    )


async def main_async() -> None:
    await load_100(100)
    await load_100(None)
    await admission()
    await breaker()
    await fallback()
    await hang()
    await rate_limited()
    await conversations()


def print_table() -> None:
    headers = ("check", "target", "measured", "verdict")
    cells = [(r.check, r.target, r.measured, r.verdict) for r in ROWS]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers[:3])]
    line = " | ".join(h.ljust(w) for h, w in zip(headers[:3], widths, strict=True)) + " | verdict"
    print(line)
    print("-" * len(line))
    for c in cells:
        print(" | ".join(v.ljust(w) for v, w in zip(c[:3], widths, strict=True)) + f" | {c[3]}")


def main() -> int:
    import logging

    logging.disable(logging.WARNING)  # the server logs every failed call; the table says enough
    started = time.monotonic()
    print("bench_hardening: running (progress on stderr)...", file=sys.stderr, flush=True)
    asyncio.run(main_async())
    memory()
    print()
    print_table()
    failed = [r for r in ROWS if r.ok is False]
    passed = sum(1 for r in ROWS if r.ok)
    print(f"\n{passed}/{len(ROWS)} rows pass, {len(failed)} fail; {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
