"""The phase's chaos scenarios, run by the chaos harness (``python -m harness.chaos``).

Runs the named scenario files in one chaos run, in its own process, with the reports in
``<out>/chaos/``, and reads its ``summary.json``. Figures: ``scenarios`` run, ``failed``
(red or errored scenarios) and ``passed``. A missing scenario file, or no summary, is
``NotMeasured``: a scenario that did not run is never green. On a baseline, scenarios
whose fault wiring cannot apply are counted in ``not_applicable`` and listed in the notes.
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
from typing import BinaryIO, Literal

from pydantic import Field

from harness.gates.errors import NotMeasured
from harness.gates.metrics.base import MeasureContext, Measurement, MeasureParams

BUDGET_MARGIN_S = 120.0
SCENARIO_DONE = re.compile(r"^(PASS|FAIL) [a-z0-9][a-z0-9_-]* \(\d")  # "PASS latency-spike (13.2s)"


class Params(MeasureParams):
    kind: Literal["chaos"]
    scenarios: list[str] = Field(min_length=1)  # paths relative to the repository root
    time_scale: float = Field(default=1.0, gt=0, le=10)
    budget_s: float = Field(default=240.0, gt=0)  # at time_scale 1; stopped past it


def _tee(process: subprocess.Popen[bytes], out: BinaryIO, ctx: MeasureContext) -> None:
    """Keep the run's whole output in the log; show each scenario's result as it comes."""
    assert process.stdout is not None
    for line in iter(process.stdout.readline, b""):
        out.write(line)
        text = line.decode("utf-8", "replace").strip()
        if SCENARIO_DONE.match(text):
            ctx.log(f"  chaos: {text}")


def measure(params: Params, ctx: MeasureContext) -> Measurement:
    files = [ctx.repo_root / name for name in params.scenarios]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise NotMeasured(f"scenario files missing: {', '.join(missing)}")
    reports = ctx.out_dir / "chaos"
    summary_path = reports / "summary.json"
    summary_path.unlink(missing_ok=True)
    command = [ctx.python, "-m", "harness.chaos", *map(str, files), "--reports", str(reports)]
    command += ["--time-scale", f"{params.time_scale:g}"]
    if ctx.baseline is not None:
        command += ["--target", f"baseline:{ctx.baseline.name}"]
    elif ctx.server_command:
        command += ["--target-command", " ".join(ctx.server_command), "--target-transport", "http"]
    started = time.monotonic()
    budget = params.budget_s * params.time_scale + BUDGET_MARGIN_S
    log = ctx.out_dir / "logs" / "chaos.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=ctx.child_env()
        )
        tee = threading.Thread(target=_tee, args=(process, out, ctx), name="chaos-gate-tee", daemon=True)
        tee.start()
        try:
            exit_code = process.wait(timeout=budget)
        except subprocess.TimeoutExpired as exc:
            process.kill()
            process.wait()
            raise NotMeasured(f"the chaos run took over {budget:.0f}s and was stopped; see {log}") from exc
        finally:
            tee.join()
    if not summary_path.is_file():
        raise NotMeasured(f"the chaos run wrote no summary (exit {exit_code}); see {log}")
    summary = json.loads(summary_path.read_text())
    rows = summary.get("scenarios", [])
    failed = [row for row in rows if not row.get("passed")]
    not_applicable = summary.get("not_applicable", [])
    if not rows and not_applicable:
        raise NotMeasured(
            "not applicable: " + "; ".join(f"{r['name']}: {r['reason']}" for r in not_applicable)
        )
    return Measurement(
        values={
            "scenarios": len(rows),
            "failed": len(failed),
            "passed": len(rows) - len(failed),
            "not_applicable": len(not_applicable),
        },
        details={"scenarios": rows, "exit_code": exit_code, "reports": str(reports)},
        notes=[
            f"{row['name']}: red ({', '.join(row.get('failed') or row.get('errors') or [])})"
            for row in failed
        ]
        + [f"{row['name']}: not applicable ({row['reason']})" for row in not_applicable],
        duration_s=time.monotonic() - started,
    )
