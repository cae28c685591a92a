"""The whole test suite, green: from a JUnit XML of a run already made, or by running pytest.

CI already runs the suite once; ``--junit FILE`` lets the gate read that run instead of
running the suite twice. Figures: ``tests``, ``failed`` (failures + errors, collection
errors included), ``skipped``, and pytest's ``exit_code`` when the gate ran it.
"""

from __future__ import annotations

import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Literal

from pydantic import Field

from harness.gates.errors import NotMeasured
from harness.gates.metrics.base import Figure, MeasureContext, Measurement, MeasureParams


class Params(MeasureParams):
    kind: Literal["test_suite"]
    pytest_args: list[str] = Field(default_factory=lambda: ["-q"])
    budget_s: float = Field(default=1800.0, gt=0)


def junit_counts(path: Path) -> dict[str, int]:
    """Totals over every <testsuite> of a JUnit XML file."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise NotMeasured(f"cannot read JUnit XML {path}: {exc}") from exc
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in suites:
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    return totals


def measure(params: Params, ctx: MeasureContext) -> Measurement:
    started = time.monotonic()
    notes: list[str] = []
    exit_code: int | None = None
    junit = ctx.junit
    if junit is None:
        junit = ctx.out_dir / "junit.xml"
        junit.unlink(missing_ok=True)
        command = [ctx.python, "-m", "pytest", f"--junitxml={junit}", *params.pytest_args]
        ctx.log(f"test suite: {' '.join(command[2:])}")
        log = ctx.out_dir / "logs" / "pytest.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "wb") as out:
            try:
                exit_code = subprocess.run(
                    command, cwd=ctx.repo_root, stdout=out, stderr=subprocess.STDOUT, env=ctx.child_env(),
                    timeout=params.budget_s, check=False,
                ).returncode  # fmt: skip
            except subprocess.TimeoutExpired as exc:
                raise NotMeasured(f"the test suite ran past {params.budget_s:g}s; see {log}") from exc
    else:
        notes.append(f"read from {junit} (a run made before the gate)")
    counts = junit_counts(junit)
    values: dict[str, Figure] = {
        "tests": counts["tests"],
        "failed": counts["failures"] + counts["errors"],
        "skipped": counts["skipped"],
    }
    if exit_code is not None:
        values["exit_code"] = exit_code
        if exit_code not in (0, 1) and values["failed"] == 0:
            values["failed"] = 1  # pytest itself broke (usage, internal error): not green
            notes.append(f"pytest exited {exit_code} without failed tests in the XML")
    return Measurement(values=values, details=counts, notes=notes, duration_s=time.monotonic() - started)
