"""Response-cache hit rate across a cluster: identical chats, each on the next instance.

A cluster (its own redis-server, instances with ``ZEN_RESPONSE_CACHE=redis``, HAProxy)
gets one session per instance through HAProxy; ``calls`` identical chats go out one after
another, each on the next session, so consecutive calls land on different instances and
only the shared Redis tier can answer them. Figures: ``hit_rate`` (replies marked
``served_from_cache``), ``hits``, ``calls``, and ``provider_requests`` (what the fake saw).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any, Literal

import anyio
from pydantic import Field

from harness.cluster.tools import install_hint, missing_cluster_tools
from harness.gates.cluster_stack import redis_backed_cluster
from harness.gates.driver import sessions
from harness.gates.errors import NotMeasured
from harness.gates.metrics.base import MeasureContext, Measurement, MeasureParams
from harness.launcher import FakeProviders, server_environment


class Params(MeasureParams):
    kind: Literal["cluster_cache"]
    instances: int = Field(default=3, ge=2, le=8)
    calls: int = Field(default=20, ge=2, le=1000)
    provider_latency_ms: float = Field(default=200.0, ge=0)
    call_timeout_s: float = Field(default=15.0, gt=0, le=600)
    model: str = "gpt-5"
    server_env: dict[str, str] = Field(default_factory=dict)


def served_from_cache(text: str) -> bool:
    try:
        body = json.loads(text)
    except ValueError:
        return False
    metadata = body.get("metadata") if isinstance(body, dict) else None
    return isinstance(metadata, dict) and metadata.get("served_from_cache") is True


async def _identical_chats(params: Params, env: dict[str, str], workdir: Path) -> list[bool | None]:
    answers: list[bool | None] = []  # None: the call failed
    async with redis_backed_cluster(params.instances, env, workdir) as cluster:
        arguments = {"model": params.model, "working_directory_absolute_path": str(workdir)}
        prompt = "the same question, asked on every instance in turn"
        async with sessions(cluster.url, params.instances) as clients:
            for index in range(params.calls):
                outcome = await clients[index % len(clients)].call(
                    "chat", {**arguments, "prompt": prompt}, timeout_s=params.call_timeout_s
                )
                answers.append(served_from_cache(outcome.text) if outcome.ok else None)
    return answers


def measure(params: Params, ctx: MeasureContext) -> Measurement:
    missing = missing_cluster_tools()
    if missing:
        raise NotMeasured(install_hint(missing))
    started = time.monotonic()
    behaviour = {"latency": {"fixed_ms": params.provider_latency_ms}}
    with (
        FakeProviders(behaviour, ("openai",)) as fakes,
        tempfile.TemporaryDirectory(prefix="zen-gate-") as tmp,
    ):
        base = {k: v for k, v in os.environ.items() if not k.startswith("ZEN_")}
        wiring = fakes.env() | {"LOG_LEVEL": "WARNING", "ZEN_RESPONSE_CACHE": "redis"} | params.server_env
        env = server_environment(wiring, base=base)
        answers = anyio.run(_identical_chats, params, env, Path(tmp))
        provider_requests = fakes.fakes["openai"].control.stats(bodies=0).requests
    hits = sum(a is True for a in answers)
    failed = sum(a is None for a in answers)
    details: dict[str, Any] = {"served_from_cache": answers, "instances": params.instances}
    return Measurement(
        values={
            "hit_rate": hits / len(answers),
            "hits": hits,
            "calls": len(answers),
            "failed": failed,
            "provider_requests": provider_requests,
        },
        details=details,
        duration_s=time.monotonic() - started,
    )
