"""Monitoring coverage: after a call through each tool and each provider, does /metrics show it?

The server runs with two fake providers (OpenAI and Gemini). Every tool the server lists is
called once with arguments built from its input schema (a tool that rejects them still
counts: the rejection must be monitored too), and ``chat`` is called once per provider.
Covered: a ``zen_tool_calls_total`` series labelled with the tool, a
``zen_provider_requests_total`` series labelled with the provider, and answers on
/health and /ready. ``coverage_pct`` = covered items / all items * 100.

Coverage is measured with arguments every tool accepts: a tool that rejects the probe's
arguments is counted apart (``probe_rejected``, a gate of its own at 0), so a gap in the
monitoring is never hidden by, nor confused with, a probe the tool refused. One call made to
fail on purpose (an unknown model) must show as an ``error``-side outcome of
``zen_tool_calls_total``: the error counter is an item of its own (``counter:errors``).
"""

from __future__ import annotations

import contextlib
import time
from typing import Any, Literal

import httpx
from prometheus_client.parser import text_string_to_metric_families
from pydantic import Field

from harness.gates.metrics.base import MeasureContext, Measurement, MeasureParams
from harness.gates.stack import serving
from harness.load.http_session import McpHttpSession
from harness.load.wire import WireError


class Params(MeasureParams):
    kind: Literal["monitoring"]
    providers: dict[str, str] = Field(
        default_factory=lambda: {"openai": "gpt-5", "gemini": "gemini-2.5-flash"}
    )
    tool_metric: str = "zen_tool_calls_total"
    provider_metric: str = "zen_provider_requests_total"
    endpoints: list[str] = Field(default_factory=lambda: ["/health", "/ready"])
    call_timeout_s: float = Field(default=30.0, gt=0)
    server_env: dict[str, str] = Field(default_factory=dict)


# zen_tool_calls_total outcomes that are failures
FAILED_OUTCOMES = ("error", "rejected", "deadline")
REJECTION_WORDS = ("validation error", "invalid argument", "invalid params", "is required")


def placeholder(name: str, schema: dict[str, Any], *, model: str, workdir: str) -> Any:
    """A value for one argument that its JSON schema accepts (bounds, lengths, item types)."""
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    options = schema.get("anyOf") or schema.get("oneOf")
    if options and not schema.get("type"):
        typed = [o for o in options if isinstance(o, dict) and o.get("type") != "null"]
        if typed:
            return placeholder(name, typed[0], model=model, workdir=workdir)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if name == "model":
        return model
    if kind == "string":
        text = workdir if "path" in name or "directory" in name else f"monitoring probe for {name}"
        return text.ljust(int(schema.get("minLength", 0)), ".")
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 1))
        value = max(1, low + (1 if "exclusiveMinimum" in schema else 0))
        value = min(value, schema.get("maximum", value))
        return int(value) if kind == "integer" else float(value)
    if kind == "array":
        items = schema.get("items") or {"type": "string"}
        count = int(schema.get("minItems", 0))
        return [placeholder(name, items, model=model, workdir=workdir) for _ in range(count)]
    return {"boolean": False, "object": {}}.get(str(kind), "probe")


def arguments_for(tool: dict[str, Any], *, model: str, workdir: str) -> dict[str, Any]:
    schema = tool.get("inputSchema") or {}
    properties: dict[str, Any] = schema.get("properties") or {}
    required = schema.get("required") or []
    return {
        name: placeholder(name, properties.get(name, {}), model=model, workdir=workdir) for name in required
    }


def labels_seen(metrics_text: str, metric: str, label: str) -> set[str]:
    """Values of ``label`` on the samples of ``metric`` (counter names without _total too)."""
    wanted = {metric, metric.removesuffix("_total")}
    seen: set[str] = set()
    for family in text_string_to_metric_families(metrics_text):
        if family.name in wanted:
            seen |= {s.labels[label] for s in family.samples if label in s.labels}
    return seen


def rejected_probe(text: str) -> bool:
    """Whether a tool's error reply says the arguments were invalid (not that the call failed)."""
    lowered = text.lower()
    return any(
        w in lowered for w in ("validation error", "invalid argument", "invalid params", "is required")
    )


def failed_outcomes(metrics_text: str, metric: str) -> float:
    """Sum of ``metric`` samples whose outcome is a failure."""
    wanted = {metric, metric.removesuffix("_total")}
    total = 0.0
    for family in text_string_to_metric_families(metrics_text):
        if family.name in wanted:
            total += sum(s.value for s in family.samples if s.labels.get("outcome") in FAILED_OUTCOMES)
    return total


def _call_everything(
    session: McpHttpSession, params: Params, workdir: str
) -> tuple[list[str], list[str], dict[str, str]]:
    session.initialize()
    tools = session.list_tools()
    first_model = next(iter(params.providers.values()))
    errors: list[str] = []
    rejected: dict[str, str] = {}
    for tool in tools:
        try:
            reply = session.call_tool(
                tool["name"],
                arguments_for(tool, model=first_model, workdir=workdir),
                timeout_s=params.call_timeout_s,
            )
        except WireError as exc:
            errors.append(f"{tool['name']}: {exc.kind}: {exc}")
            continue
        if not reply.ok and rejected_probe(reply.text):
            rejected[str(tool["name"])] = reply.text[:300]
    for provider, model in params.providers.items():
        chat = {
            "prompt": f"monitoring probe via {provider}",
            "model": model,
            "working_directory_absolute_path": workdir,
        }
        try:
            session.call_tool("chat", chat, timeout_s=params.call_timeout_s)
        except WireError as exc:
            errors.append(f"chat via {provider}: {exc.kind}: {exc}")
    return [str(t["name"]) for t in tools], errors, rejected


def _fail_on_purpose(session: McpHttpSession, params: Params, workdir: str) -> None:
    """One chat call that must fail (a model no provider serves): the error counter's probe."""
    chat = {
        "prompt": "monitoring probe: must fail",
        "model": "no-such-model-probe",
        "working_directory_absolute_path": workdir,
    }
    with contextlib.suppress(WireError):
        session.call_tool("chat", chat, timeout_s=params.call_timeout_s)


def _scrape(base_url: str) -> str:
    response = httpx.get(f"{base_url}/metrics", timeout=10)
    return response.text if response.status_code == 200 else ""


def measure(params: Params, ctx: MeasureContext) -> Measurement:
    started = time.monotonic()
    workdir = str(ctx.out_dir.resolve())
    with serving(
        ctx, "monitoring", behaviour={"latency": {"fixed_ms": 10}}, providers=tuple(params.providers),
        server_env=params.server_env,
    ) as running:  # fmt: skip
        session = McpHttpSession(running.url, timeout_s=params.call_timeout_s)
        try:
            tools, call_errors, rejected = _call_everything(session, params, workdir)
            failed_before = failed_outcomes(_scrape(running.base_url), params.tool_metric)
            _fail_on_purpose(session, params, workdir)
        finally:
            session.close()
        metrics = httpx.get(f"{running.base_url}/metrics", timeout=10)
        endpoints = {
            path: httpx.get(f"{running.base_url}{path}", timeout=10).status_code for path in params.endpoints
        }
    text = metrics.text if metrics.status_code == 200 else ""
    tools_seen = labels_seen(text, params.tool_metric, "tool") if text else set()
    providers_seen = labels_seen(text, params.provider_metric, "provider") if text else set()
    items = {f"tool:{t}": t in tools_seen for t in tools}
    items |= {f"provider:{p}": p in providers_seen for p in params.providers}
    # /ready may answer 503 (degraded) and still be monitoring; only a missing route fails.
    items |= {f"endpoint:{path}": status in (200, 503) for path, status in endpoints.items()}
    items["counter:errors"] = bool(text) and failed_outcomes(text, params.tool_metric) > failed_before
    covered = sum(items.values())
    return Measurement(
        values={
            "coverage_pct": 100.0 * covered / len(items) if items else 0.0,
            "items": len(items),
            "missing": len(items) - covered,
            "probe_rejected": len(rejected),
        },
        details={
            "missing": sorted(k for k, ok in items.items() if not ok),
            "covered": sorted(k for k, ok in items.items() if ok),
            "metrics_status": metrics.status_code,
            "endpoint_status": endpoints,
            "call_errors": call_errors,
            "probe_rejected": rejected,
        },
        duration_s=time.monotonic() - started,
    )
