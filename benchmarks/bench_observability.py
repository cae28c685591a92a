"""The cost of monitoring: the same synthetic call stream through the full ObservabilityHub
(Prometheus, live window, audit file, logs) and through a NullObserver, in one run.

Each simulated tool call reports what the executor and gateway report for one call: the
in-flight gauge up and down, two provider attempts (one retried 503, one ok) and the
finished call (1% of them errors, which are also logged). The hub's time includes writing
out the audit queue, so the writer thread's share is counted. Prints calls/s for each and
the ratio (with / without); ``--json`` prints one machine-readable line too.

    .venv/bin/python benchmarks/bench_observability.py --calls 20000 --repeats 3
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from zen_server.config import Settings
from zen_server.observability import ObservabilityHub
from zen_server.observability.events import (
    NullObserver,
    Observer,
    ProviderAttempt,
    ToolCallFinished,
    ToolOutcome,
)
from zen_server.observability.logs import unconfigure_logging

TOOLS = ("chat", "thinkdeep", "codereview", "consensus", "planner")
DIGEST = hashlib.sha256(b'{"prompt":"hello"}').hexdigest()


def drive(observer: Observer, calls: int) -> None:
    for i in range(calls):
        tool = TOOLS[i % len(TOOLS)]
        observer.set_gauge("in_flight", 1.0)
        observer.emit(ProviderAttempt("openai", "gpt-5", "503", 0.05, request_id=f"r{i}"))
        observer.emit(ProviderAttempt("openai", "gpt-5", "ok", 0.2, request_id=f"r{i}"))
        outcome: ToolOutcome = "error" if i % 100 == 0 else "success"
        observer.emit(
            ToolCallFinished(
                f"r{i}",
                "session-1",
                tool,
                outcome,
                0.25 + (i % 7) * 0.1,
                provider="openai",
                model="gpt-5",
                input_tokens=400,
                output_tokens=120,
                arguments_digest=DIGEST,
                error_type="TransientProviderError" if outcome == "error" else None,
                error_message="provider answered 503 three times" if outcome == "error" else None,
            )
        )
        observer.set_gauge("in_flight", 0.0)


def time_null(calls: int) -> float:
    started = time.perf_counter()
    drive(NullObserver(), calls)
    return time.perf_counter() - started


def time_hub(calls: int, workdir: Path, run: int) -> float:
    settings = Settings(zen_audit_log=workdir / f"audit-{run}.log", zen_audit_max_bytes=64 * 1024 * 1024)
    hub = ObservabilityHub(settings)
    with open(os.devnull, "w", encoding="utf-8") as sink:
        hub.install_logging(sink)
        started = time.perf_counter()
        drive(hub, calls)
        assert hub.audit is not None
        hub.audit.close()  # the audit lines are part of the cost
        elapsed = time.perf_counter() - started
        unconfigure_logging()
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3, help="alternating runs; the best of each is kept")
    parser.add_argument("--json", action="store_true", help="also print one JSON line")
    args = parser.parse_args(argv)
    null_times: list[float] = []
    hub_times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        drive(NullObserver(), 1000)  # warm-up
        for run in range(args.repeats):
            null_times.append(time_null(args.calls))
            hub_times.append(time_hub(args.calls, Path(tmp), run))
    off = args.calls / min(null_times)
    on = args.calls / min(hub_times)
    ratio = on / off
    print(f"calls per run        : {args.calls} (each: 2 gauges, 2 provider attempts, 1 finished call)")
    print(f"observability off    : {off:12,.0f} calls/s  (NullObserver)")
    print(f"observability on     : {on:12,.0f} calls/s  (metrics + live window + audit file + logs)")
    print(f"ratio on/off         : {ratio:.4f}")
    cost = 1 / on - 1 / off
    print(f"cost per call        : {cost * 1e6:.1f} µs")
    # The ratio compares against doing nothing at all; what matters is the share of a real call.
    print(f"share of a 100 ms call: {cost / 0.1:.4%}")
    if args.json:
        print(json.dumps({"calls": args.calls, "off_per_s": off, "on_per_s": on, "ratio": ratio}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
