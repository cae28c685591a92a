"""tools/list against the upstream interface: every implemented tool must match it exactly.

For each tool the server lists that upstream also has: the same parameter names with the
same JSON types, the same required parameters, the same enum values (the same comparison
as the end-to-end test). Tools upstream has and the server lacks are listed, not failed:
the gate is "compatible for every implemented tool". Figures: ``implemented`` (shared
tools), ``incompatible``, ``missing_upstream_tools``.
"""

from __future__ import annotations

import json
import time
from typing import Any, Literal

from pydantic import Field

from harness.gates.errors import NotMeasured
from harness.gates.metrics.base import MeasureContext, Measurement, MeasureParams
from harness.gates.stack import serving
from harness.load.http_session import McpHttpSession
from harness.load.wire import WireError


class Params(MeasureParams):
    kind: Literal["tools_compat"]
    compat_file: str = "compat/pal-11.8.2-tools.json"  # relative to the repository root
    # The upstream facts were recorded in auto mode, where ``model`` is a required argument.
    server_env: dict[str, str] = Field(default_factory=lambda: {"DEFAULT_MODEL": "auto"})


def differences(expected: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """How one tool's input schema differs from the upstream facts (empty: compatible)."""
    properties: dict[str, Any] = schema.get("properties") or {}
    problems: list[str] = []
    types = {name: spec.get("type") for name, spec in properties.items()}
    for name, kind in expected["properties"].items():
        if name not in types:
            problems.append(f"parameter {name!r} missing")
        elif types[name] != kind:
            problems.append(f"parameter {name!r} is {types[name]!r}, upstream {kind!r}")
    extra = sorted(set(types) - set(expected["properties"]))
    if extra:
        problems.append(f"parameters upstream lacks: {extra}")
    if sorted(schema.get("required") or []) != sorted(expected["required"]):
        problems.append(
            f"required {sorted(schema.get('required') or [])}, upstream {sorted(expected['required'])}"
        )
    enums = {name: sorted(spec["enum"]) for name, spec in properties.items() if "enum" in spec}
    if enums != {name: sorted(values) for name, values in expected.get("enums", {}).items()}:
        problems.append(f"enums {enums}, upstream {expected.get('enums', {})}")
    return problems


def measure(params: Params, ctx: MeasureContext) -> Measurement:
    started = time.monotonic()
    compat_path = (ctx.repo_root / params.compat_file).resolve()
    if not compat_path.is_file():
        raise NotMeasured(f"compat file {compat_path} not found")
    upstream: dict[str, Any] = json.loads(compat_path.read_text())["tools"]
    with serving(ctx, "tools_compat", behaviour={}, server_env=params.server_env) as running:
        session = McpHttpSession(running.url, timeout_s=30)
        try:
            session.initialize()
            listed = {str(t["name"]): t.get("inputSchema") or {} for t in session.list_tools()}
        except WireError as exc:
            raise NotMeasured(f"tools/list failed: {exc}") from exc
        finally:
            session.close()
    shared = sorted(set(listed) & set(upstream))
    problems = {name: diff for name in shared if (diff := differences(upstream[name], listed[name]))}
    return Measurement(
        values={
            "implemented": len(shared),
            "incompatible": len(problems),
            "missing_upstream_tools": len(set(upstream) - set(listed)),
        },
        details={
            "problems": problems,
            "compatible": [n for n in shared if n not in problems],
            "not_implemented": sorted(set(upstream) - set(listed)),
            "server_only": sorted(set(listed) - set(upstream)),
        },
        notes=[f"{name}: {'; '.join(diff)}" for name, diff in problems.items()],
        duration_s=time.monotonic() - started,
    )
