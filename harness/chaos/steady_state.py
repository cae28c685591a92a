"""Steady state first, as Chaos Toolkit does: a run whose 'before' phase does not hold is INVALID.

A fault experiment only means something when the system worked before the fault. When the
scenario's own 'before' hypotheses fail, or the target does not work at all (no call in
'before' succeeded), or its calls succeed without any fake provider ever seeing a request
(its provider wiring does not reach the fakes: it answers from somewhere else), the later
verdicts judge a system that was never under test. They are kept for the record but marked
"not judged" and never counted as passes; the scenario's status is INVALID with the reason.
"""

from __future__ import annotations

from dataclasses import replace

from harness.chaos.hypotheses import Verdict
from harness.chaos.records import RunData


def _requests_by(data: RunData, t: float) -> float | None:
    """Requests the fakes had received by ``t`` (the first sample at or after it), summed over
    the fakes; None when no fake was ever sampled."""
    total: float | None = None
    for samples in data.provider_total.values():
        if not samples:
            continue
        later = [s for s in samples if s.t >= t]
        value = (later[0] if later else samples[-1]).value
        total = value + (total or 0.0)
    return total


def builtin_problems(data: RunData) -> list[str]:
    """What the harness itself requires of every 'before' phase, whatever the scenario says."""
    start, end = data.phases["before"]
    if end <= start:
        return []  # no steady-state phase to judge
    calls = data.calls_in("before")
    ok = [c for c in calls if c.ok]
    problems: list[str] = []
    if calls and not ok:
        kinds = sorted({c.kind for c in calls})
        problems.append(
            f"the target does not work: none of the {len(calls)} calls before the fault succeeded"
            f" ({', '.join(kinds)})"
        )
    seen = _requests_by(data, end)
    if ok and seen is not None and seen == 0:
        problems.append(
            f"{len(ok)} calls succeeded before the fault but no fake provider received a request:"
            " the target's provider wiring does not reach the fakes"
        )
    return problems


def steady_state_failure(data: RunData, verdicts: list[Verdict]) -> str | None:
    """Why the steady state did not hold (None when it did)."""
    reasons = builtin_problems(data)
    reasons += [
        f"'{v.name}' failed ({v.observed}; expected {v.expected})"
        for v in verdicts
        if v.phase == "before" and not v.passed
    ]
    return "; ".join(reasons) if reasons else None


def not_judged(verdicts: list[Verdict], reason: str) -> list[Verdict]:
    """The verdicts of an INVALID run: 'before' ones as measured, every other one not counted."""
    out: list[Verdict] = []
    for v in verdicts:
        if v.phase == "before":
            out.append(v)
            continue
        would = "held" if v.passed else "failed"
        detail = f"not judged: the steady state failed ({reason}); measured {v.observed}, it {would}"
        out.append(replace(v, passed=False, observed="not judged (steady state failed)", detail=detail))
    return out
