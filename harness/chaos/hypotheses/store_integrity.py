"""``store_integrity``: every acknowledged turn is in Redis exactly once, and no turn twice.

Checked against what the conversation store (the harness's redis-server) holds at the end
of the run, read directly rather than through the server. A turn is acknowledged when the
server answered it with a continuation id: that id names the thread it says it stored the
turn in. For each acknowledged turn, the user turns of that thread in Redis must carry
its marker exactly once (zero: lost; two or more: duplicated). Over the whole store, no
marker may appear in two user turns (a retried append stored twice). A turn the server
could not acknowledge (Redis down) may be stored or not, but never twice.

With ``stored_again_within_s``, storing must also resume after the last fault clears:
every call that succeeded and started that many seconds or more after the clear was
acknowledged (a server that silently stopped storing would still answer new chats).

    - type: store_integrity
      min_checked: 10
      stored_again_within_s: 2
"""

from __future__ import annotations

import json
import re
from collections import Counter

from pydantic import Field

from harness.chaos.hypotheses.base import HypothesisSpec, Phase, Verdict, register
from harness.chaos.records import RunData

_MARKER = re.compile(r"ZMK[0-9a-f]{16}Q")


def _user_markers(records: list[str]) -> list[str]:
    """Markers carried by the user turns of one stored thread, in order (unreadable records skipped)."""
    found: list[str] = []
    for record in records:
        try:
            turn = json.loads(record)
        except ValueError:
            continue
        if isinstance(turn, dict) and turn.get("role") == "user" and isinstance(turn.get("content"), str):
            found += _MARKER.findall(turn["content"])
    return found


@register
class StoreIntegrity(HypothesisSpec):
    kind = "store_integrity"

    phase: Phase = "run"
    min_checked: int = Field(default=1, ge=1)
    # Not a timeline time: how soon storing resumes is the server's (its breaker's pause).
    stored_again_within_s: float | None = Field(default=None, gt=0, le=600)

    def evaluate(self, run: RunData) -> Verdict:
        if run.store_threads is None:
            return self.no_data("conversation store contents (the scenario has no redis: section)")
        stored = {thread: Counter(_user_markers(records)) for thread, records in run.store_threads.items()}
        everywhere: Counter[str] = Counter()
        for counts in stored.values():
            everywhere.update(counts)
        checked = lost = 0
        examples: list[str] = []
        for turns in run.threads.values():
            for turn in turns:
                if not turn.ok or turn.stored_in is None:
                    continue
                checked += 1
                if stored.get(turn.stored_in, Counter())[turn.marker] == 0:
                    lost += 1
                    if len(examples) < 3:
                        examples.append(f"turn {turn.marker} acknowledged in {turn.stored_in} is not there")
        duplicated = sum(1 for n in everywhere.values() if n > 1)
        examples += [f"turn {m} stored {n} times" for m, n in everywhere.items() if n > 1][:3]
        if checked < self.min_checked:
            return self.no_data(f"acknowledged turns (need {self.min_checked}, got {checked})")
        unstored_late = 0
        if self.stored_again_within_s is not None:
            since = run.fault_clear_time() + self.stored_again_within_s
            late = [c for c in run.calls if c.ok and c.start >= since]
            if not late:
                return self.no_data(f"successful calls from {since:.1f}s after the start")
            unstored_late = sum(1 for c in late if not c.acknowledged)
            if unstored_late:
                examples.append(f"{unstored_late} answers after {since:.1f}s were still not stored")
        return self.verdict(
            lost == 0 and duplicated == 0 and unstored_late == 0,
            f"{lost} lost, {duplicated} duplicated of {checked} acknowledged turns",
            "0 lost, 0 duplicated (checked in Redis)",
            "; ".join(examples),
            lost=lost,
            duplicated=duplicated,
            unstored_after_recovery=unstored_late,
            checked=checked,
            stored_threads=len(stored),
            stored_turns=sum(everywhere.values()),
            redis_connections=run.store_connections,
        )
