"""Run each seeded defect against the chaos scenarios it names and write the catch matrix.

Each defect runs in its own temporary copy of the tree (``catalogue.copy_with_defect``), with
``PYTHONPATH`` set to the copy so the harness and the server it starts import the defective
code; a probe import proves that before any scenario runs. Results: ``runs/mutants/`` holds
``matrix.md`` / ``matrix.json`` and each defect's chaos reports. A defect that passes every
harness check has escaped: the run fails.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from harness.gates.spec import load_gates
from harness.mutants.catalogue import Defect, MutantError, copy_with_defect
from harness.stamp import stamp, stamp_lines

GATE_PREFIX = "gate:"  # a check "gate:PHASE:MEASUREMENT" runs that measurement's gates
LEAKS_PREFIX = "leaks:"  # "leaks:PROFILE:BYTES": the leak check's per-call verdict at that bound
RED = {"FAIL", "INVALID"}
RUN_BUDGET_S = 600.0


@dataclass
class DefectOutcome:
    id: str
    promise: str
    checks: dict[str, str] = field(default_factory=dict)  # scenario -> PASS/FAIL/INVALID/ERROR/not run
    problem: str | None = None  # harness failure (the defect did not apply, the run crashed)
    duration_s: float = 0.0

    @property
    def caught(self) -> bool:
        return self.problem is None and any(status in RED for status in self.checks.values())

    @property
    def all_green(self) -> bool:
        return self.problem is None and all(status == "PASS" for status in self.checks.values())


def rotation(defects: list[Defect], count: int, day: int | None = None) -> list[Defect]:
    """``count`` defects, a different slice each day, so every entry runs in CI over time."""
    if count >= len(defects):
        return list(defects)
    day = dt.date.today().toordinal() if day is None else day
    start = (day * count) % len(defects)
    return [defects[(start + i) % len(defects)] for i in range(count)]


def _environment(copy: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(copy)
    return env


CONTROL_ID = "control"


def control_for(defects: list[Defect]) -> Defect:
    """The unmodified tree run through every check the defects name: each must be green there,
    or a defect "caught" by it proves nothing."""
    checks = list(dict.fromkeys(check for d in defects for check in d.checks))
    return Defect(id=CONTROL_ID, promise="no defect: every check green", file="-", find="-", replace="",
                  checks=checks)  # fmt: skip


def run_defect(defect: Defect, root: Path, reports: Path, time_scale: float) -> DefectOutcome:
    outcome = DefectOutcome(defect.id, defect.promise, {name: "not run" for name in defect.checks})
    began = time.monotonic()
    out = reports / defect.id
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"mutant-{defect.id}-") as tmp:
        try:
            copy = copy_with_defect(root, None if defect.id == CONTROL_ID else defect, Path(tmp))
        except MutantError as exc:
            outcome.problem = str(exc)
            return outcome
        env = _environment(copy)
        where = "import zen_server, harness; print(zen_server.__file__, harness.__file__)"
        probe = subprocess.run(
            [sys.executable, "-c", where], cwd=copy, env=env, capture_output=True, text=True, check=False
        )
        if probe.returncode != 0 or probe.stdout.count(str(copy)) != 2:
            found = f"{probe.stdout.strip()} {probe.stderr.strip()}"
            outcome.problem = f"the copy's code is not what runs: {found}"
            return outcome
        scenarios = [c for c in defect.checks if not c.startswith((GATE_PREFIX, LEAKS_PREFIX))]
        if scenarios:
            outcome.problem = _run_scenarios(scenarios, copy, env, out, time_scale, outcome)
        for check in defect.checks:
            if check.startswith(GATE_PREFIX) and outcome.problem is None:
                outcome.problem = _run_gate(check, copy, env, out, outcome)
            if check.startswith(LEAKS_PREFIX) and outcome.problem is None:
                outcome.problem = _run_leaks(check, copy, env, out, outcome)
    outcome.duration_s = round(time.monotonic() - began, 1)
    return outcome


def _run_scenarios(
    scenarios: list[str],
    copy: Path,
    env: dict[str, str],
    out: Path,
    time_scale: float,
    outcome: DefectOutcome,
) -> str | None:
    command = [sys.executable, "-m", "harness", "run", *scenarios, "--reports", str(out.resolve())]
    command += ["--no-plots", "--time-scale", str(time_scale)]
    with (out / "run.log").open("w", encoding="utf-8") as log:
        try:
            subprocess.run(command, cwd=copy, env=env, stdout=log, stderr=subprocess.STDOUT,
                           timeout=RUN_BUDGET_S, check=False)  # fmt: skip
        except subprocess.TimeoutExpired:
            return f"the chaos run took over {RUN_BUDGET_S:g}s; see {out / 'run.log'}"
    summary = out / "summary.json"
    if not summary.is_file():
        return f"the chaos run wrote no summary; see {out / 'run.log'}"
    for row in json.loads(summary.read_text(encoding="utf-8")).get("scenarios", []):
        # A check may name a scenario under a library folder ("cluster/rolling-restart").
        check = next((c for c in scenarios if c.rsplit("/", 1)[-1] == row["name"]), row["name"])
        outcome.checks[check] = row.get("status") or ("PASS" if row.get("passed") else "FAIL")
    return None


def _run_gate(check: str, copy: Path, env: dict[str, str], out: Path, outcome: DefectOutcome) -> str | None:
    """``gate:PHASE:MEASUREMENT``: that phase's gates with every other measurement skipped."""
    _, phase, measurement = check.split(":", 2)
    gates = load_gates(copy / "harness" / "gates" / "gates.yaml")
    others = {g.measure for g in gates.phase(phase).gates} - {measurement}
    command = [sys.executable, "-m", "harness", "gate", phase, "--reports", str((out / "gates").resolve())]
    for other in sorted(others):
        command += ["--skip", other]
    with (out / f"{phase}-{measurement}.log").open("w", encoding="utf-8") as log:
        try:
            subprocess.run(command, cwd=copy, env=env, stdout=log, stderr=subprocess.STDOUT,
                           timeout=RUN_BUDGET_S, check=False)  # fmt: skip
        except subprocess.TimeoutExpired:
            return f"the gate run took over {RUN_BUDGET_S:g}s"
    results = out / "gates" / phase / "results.json"
    if not results.is_file():
        return f"the gate run wrote no results; see {out}"
    rows = json.loads(results.read_text(encoding="utf-8"))["gates"]
    verdicts = {g["verdict"] for g in rows if g["measurement"] == measurement}
    outcome.checks[check] = "FAIL" if "fail" in verdicts or "not measured" in verdicts else "PASS"
    return None


def _run_leaks(check: str, copy: Path, env: dict[str, str], out: Path, outcome: DefectOutcome) -> str | None:
    """``leaks:PROFILE:BYTES``: ``zen-harness leaks PROFILE --max-bytes-per-call BYTES`` (exit 1 red)."""
    _, profile, limit = check.split(":", 2)
    command = [sys.executable, "-m", "harness", "leaks", profile, "--max-bytes-per-call", limit]
    command += ["--out", str((out / "leaks").resolve())]
    with (out / f"leaks-{profile}.log").open("w", encoding="utf-8") as log:
        try:
            done = subprocess.run(command, cwd=copy, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  timeout=RUN_BUDGET_S, check=False)  # fmt: skip
        except subprocess.TimeoutExpired:
            return f"the leak check took over {RUN_BUDGET_S:g}s"
    if done.returncode not in (0, 1):
        return f"the leak check failed to measure (exit {done.returncode}); see {out}"
    outcome.checks[check] = "PASS" if done.returncode == 0 else "FAIL"
    return None


def run_catalogue(
    defects: list[Defect], root: Path, reports: Path, *, jobs: int = 1, time_scale: float = 1.0
) -> list[DefectOutcome]:
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(lambda d: run_defect(d, root, reports, time_scale), defects))


def discount_false_alarms(outcomes: list[DefectOutcome], control: DefectOutcome | None) -> list[str]:
    """Checks red on the clean tree too: a defect's red there is no catch. Returns those checks."""
    if control is None:
        return []
    noisy = [check for check, status in control.checks.items() if status != "PASS"]
    for outcome in outcomes:
        for check in noisy:
            if check in outcome.checks and outcome.checks[check] in RED:
                outcome.checks[check] += " (red on clean code too: not a catch)"
    return noisy


def matrix_markdown(
    outcomes: list[DefectOutcome], made: dict[str, object], control: DefectOutcome | None = None
) -> str:
    caught = sum(1 for o in outcomes if o.caught)
    lines = ["# Seeded defects: what the harness catches", ""]
    lines += [f"{caught} of {len(outcomes)} defects caught by harness checks (chaos, gates, leaks).", ""]
    if control is not None:
        control_checks = ", ".join(f"{name}: {status}" for name, status in control.checks.items())
        lines += [f"Control (the tree without a defect): {control_checks}.", ""]
    lines += [*stamp_lines(made), ""]
    lines += ["| defect | promise | caught | checks | run time |", "| --- | --- | --- | --- | --- |"]
    for o in outcomes:
        checks = ", ".join(f"{name}: {status}" for name, status in o.checks.items())
        mark = "yes" if o.caught else "**NO**" + (f" ({o.problem})" if o.problem else "")
        lines.append(f"| {o.id} | {o.promise} | {mark} | {checks} | {o.duration_s:g}s |")
    lines += ["", "The unit-suite column is not measured yet (see the catalogue's README section)."]
    return "\n".join(lines) + "\n"


def write_matrix(outcomes: list[DefectOutcome], reports: Path, control: DefectOutcome | None = None) -> None:
    made = stamp(Path.cwd())
    reports.mkdir(parents=True, exist_ok=True)
    document = {
        "caught": sum(1 for o in outcomes if o.caught),
        "passed": all(o.caught for o in outcomes) and (control is None or control.all_green),
        "control": None if control is None else asdict(control),
        "defects": [{**asdict(o), "caught": o.caught} for o in outcomes],
        "stamp": made,
    }
    (reports / "matrix.json").write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    (reports / "matrix.md").write_text(matrix_markdown(outcomes, made, control), encoding="utf-8")
