"""The machine-readable result of a scenario run: ``runs/chaos/<scenario>.json``.

Holds the verdicts with their figures, the phases, fault windows, action log, harness
errors, and the raw call records (compact rows), so any figure can be recomputed.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from harness.chaos.runner import ScenarioResult
from harness.chaos.stats import error_rate, percentile

CALL_COLUMNS = ["start_s", "latency_s", "kind", "tool", "worker", "continued"]


def result_document(result: ScenarioResult) -> dict[str, Any]:
    data = result.data
    latencies = [c.latency_s * 1000 for c in data.calls]
    rate = error_rate(data.calls)
    return {
        "scenario": result.scenario.name,
        "title": result.scenario.title,
        "proves": result.scenario.proves,
        "source": str(result.source) if result.source else None,
        "passed": result.passed,
        "status": result.status,
        "invalid": result.invalid,
        "started_at": result.started_at,
        "duration_s": round(result.duration_s, 2),
        "time_scale": result.time_scale,
        "full_length": result.scenario.full_length,
        "phases": {name: [round(lo, 3), round(hi, 3)] for name, (lo, hi) in data.phases.items()},
        "summary": {
            "calls": len(data.calls),
            "failed": sum(1 for c in data.calls if not c.ok),
            "error_rate": None if rate is None else round(rate, 4),
            "p50_ms": percentile(latencies, 50),
            "p95_ms": percentile(latencies, 95),
            "max_ms": max(latencies) if latencies else None,
            "provider_requests": len(data.provider_requests),
        },
        "verdicts": [asdict(v) for v in result.verdicts],
        "errors": result.errors,
        "fault_windows": [asdict(w) for w in data.windows],
        "actions": [{"t": round(t, 3), "what": what, "error": err} for t, what, err in data.actions],
        "target_log": str(result.target_log) if result.target_log else None,
        "calls": {
            "columns": CALL_COLUMNS,
            "rows": [
                [round(c.start, 4), round(c.latency_s, 4), c.kind, c.tool, c.worker, c.continued]
                for c in data.calls
            ],
        },
    }


def write_json(result: ScenarioResult, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result_document(result), indent=1, default=str) + "\n", encoding="utf-8")
    return path
