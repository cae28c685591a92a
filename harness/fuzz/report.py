"""The fuzz session's report: results.json for machines, report.md for people, with commit and machine."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.fuzz.runner import RSS_GROWTH_LIMIT_MB, FuzzResult


def _commit() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10
        )
    except OSError:
        return "unknown"
    return done.stdout.strip() or "unknown"


def machine() -> str:
    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )


def as_json(result: FuzzResult) -> dict[str, Any]:
    return {
        "passed": result.passed,
        "commit": _commit(),
        "machine": machine(),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": result.seed,
        "budget": asdict(result.budget),
        "duration_s": round(result.duration_s, 1),
        "provider_requests": result.provider_requests,
        "leaks": result.leaks,
        "session_flood": result.flood,
        "transports": {
            name: {**asdict(f), "rss_growth_mb": round(f.rss_growth_mb, 1)}
            for name, f in result.transports.items()
        },
    }


def as_markdown(data: dict[str, Any]) -> str:
    lines = [
        f"# Fuzz session: {'PASS' if data['passed'] else 'FAIL'}",
        "",
        f"Commit {data['commit']} on {data['machine']}, finished {data['finished']}; seed {data['seed']}, "
        f"{data['duration_s']:.0f} s. Budget: {data['budget']['frames']} frames per transport, "
        f"{data['budget']['arguments']} argument sets per tool family, {data['budget']['session_flood']} "
        "initializes from one HTTP client.",
        "",
        "| transport | frames | argument sets (chat / workflow / consensus / simple) | crashes | hangs | "
        "HTTP 5xx | RSS start → peak → end (MB) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, f in data["transports"].items():
        args = " / ".join(str(f["arguments"].get(k, 0)) for k in ("chat", "workflow", "consensus", "simple"))
        lines.append(
            f"| {name} | {f['frames']} | {args} | {f['crashes']} | {f['hangs']} | {f['server_errors']} | "
            f"{f['rss_start_mb']:.0f} → {f['rss_peak_mb']:.0f} → {f['rss_end_mb']:.0f} |"
        )
    flood = data["session_flood"]
    leaks = f": {'; '.join(data['leaks'])}" if data["leaks"] else "."
    lines += [
        "",
        f"Provider requests checked: {data['provider_requests']}. Secret leaks (planted markers found "
        f"in a provider request, a reply or a log): {len(data['leaks'])}{leaks}",
        f"Session flood: {flood.get('initializes', 0)} initializes from one client "
        f"({flood.get('refused', 0)} refused), RSS {flood.get('rss_before_mb', 0):.0f} → "
        f"{flood.get('rss_after_mb', 0):.0f} MB; another client then got "
        f"HTTP {flood.get('other_client_status')}.",
        f"Verdict rules: no crash, no hang, no HTTP 5xx, no leak, RSS growth at most "
        f"{RSS_GROWTH_LIMIT_MB:.0f} MB per server, and the other client admitted after the flood.",
    ]
    for name, f in data["transports"].items():
        if f["examples"]:
            lines += ["", f"First findings over {name}:", *(f"- `{e}`" for e in f["examples"])]
    return "\n".join(lines) + "\n"


def write_report(result: FuzzResult, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    data = as_json(result)
    (directory / "results.json").write_text(json.dumps(data, indent=2) + "\n")
    (directory / "report.md").write_text(as_markdown(data))
    return directory / "report.md"


__all__ = ["as_json", "as_markdown", "machine", "write_report"]
