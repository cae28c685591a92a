"""``conversation_integrity``: no conversation turn is lost or duplicated.

Checked through what the server actually sent its provider. Every prompt the load sends
carries a unique marker (placed after 200+ characters, so a fake's echo of the prompt's
start never repeats it). For each successful continued turn, every request body the fake
providers received that carries its marker must contain each earlier successful turn of
the same thread exactly once: zero is a lost turn, two or more a duplicated one. With
``allow_truncation`` only the oldest turns may be missing (history cut to a token budget).

Every stored turn, both sides: the user's prompt (its marker) and, with ``assistant_turns``
(the default), the assistant's reply, traced by the fake's reply marker (``digest=...``) the
answer carried. "Earlier" means acknowledged in the same server thread and finished before
this call began, so calls continuing one thread at once (``workers_per_thread``) are judged
on what each could have seen: a lost update is a turn missing from every later request.

    - type: conversation_integrity
      min_checked: 5
"""

from __future__ import annotations

from pydantic import Field

from harness.chaos.hypotheses.base import HypothesisSpec, Phase, Verdict, register
from harness.chaos.records import RunData, ThreadTurn


def _missing_is_oldest_only(counts: list[int]) -> bool:
    """True when the turns with count 0 all come before every turn that is present."""
    seen_present = False
    for count in counts:
        if count > 0:
            seen_present = True
        elif seen_present:
            return False
    return True


@register
class ConversationIntegrity(HypothesisSpec):
    kind = "conversation_integrity"

    phase: Phase = "run"
    allow_truncation: bool = False
    assistant_turns: bool = True
    min_checked: int = Field(default=1, ge=1)

    def _earlier(self, turns: list[ThreadTurn], index: int) -> list[str]:
        """The markers every request of turn ``index`` must repeat once, oldest first."""
        turn = turns[index]
        markers: list[str] = []
        for other in turns[:index]:
            if not other.ok or not _before(turn, other):
                continue
            markers.append(other.marker)
            if self.assistant_turns and other.reply is not None:
                markers.append(other.reply)
        return markers

    def evaluate(self, run: RunData) -> Verdict:
        if not run.provider_bodies_recorded:
            return self.no_data("provider request bodies (the fakes did not report them)")
        checked = lost = duplicated = 0
        examples: list[str] = []
        for thread, turns in run.threads.items():
            for index, turn in enumerate(turns):
                if not turn.ok:
                    continue
                earlier = self._earlier(turns, index)
                for request in run.provider_requests:
                    if turn.marker not in request.body:
                        continue
                    checked += 1
                    counts = [request.body.count(marker) for marker in earlier]
                    turn_lost = sum(1 for n in counts if n == 0)
                    if self.allow_truncation and _missing_is_oldest_only(counts):
                        turn_lost = 0
                    turn_dup = sum(1 for n in counts if n > 1) + (request.body.count(turn.marker) > 1)
                    lost += turn_lost
                    duplicated += turn_dup
                    if (turn_lost or turn_dup) and len(examples) < 3:
                        examples.append(_example(thread, index, turns, counts))
        if checked < self.min_checked:
            return self.no_data(
                f"continued turns seen by a provider (need {self.min_checked}, got {checked})"
            )
        return self.verdict(
            lost == 0 and duplicated == 0,
            f"{lost} lost, {duplicated} duplicated in {checked} provider requests",
            "0 lost, 0 duplicated",
            "; ".join(examples),
            lost=lost,
            duplicated=duplicated,
            checked=checked,
            threads=len(run.threads),
            assistant_turns_traced=sum(1 for turns in run.threads.values() for t in turns if t.reply),
        )


def _before(turn: ThreadTurn, other: ThreadTurn) -> bool:
    """``other`` was stored in ``turn``'s server thread and finished before ``turn`` began."""
    if other.stored_in is not None and turn.stored_in is not None and other.stored_in != turn.stored_in:
        return False
    return other.end is None or turn.start is None or other.end <= turn.start


def _example(thread: str, index: int, turns: list[ThreadTurn], counts: list[int]) -> str:
    return f"thread {thread} turn {index}: earlier turns seen {counts} times"
