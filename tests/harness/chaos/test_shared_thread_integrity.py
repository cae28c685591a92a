"""conversation_integrity on every stored turn, both sides, also when calls continue one
thread at once: judged on hand-made provider logs."""

from __future__ import annotations

from harness.chaos.hypotheses.integrity import ConversationIntegrity
from harness.chaos.load import reply_marker
from harness.chaos.records import ProviderRequest, RunData, ThreadTurn

PHASES = {"before": (0.0, 2.0), "during": (2.0, 6.0), "after": (6.0, 10.0)}
CHECK = ConversationIntegrity(type="conversation_integrity")


def run_with(turns: list[ThreadTurn], bodies: list[str]) -> RunData:
    data = RunData(phases=dict(PHASES), end=10.0, provider_bodies_recorded=True)
    data.threads = {"g0-1": turns}
    data.provider_requests = [ProviderRequest("openai", body) for body in bodies]
    return data


def turn(marker: str, start: float, end: float, reply: str | None = None) -> ThreadTurn:
    return ThreadTurn(marker, True, "thread-1", reply=reply, start=start, end=end)


def test_the_reply_marker_is_read_from_the_fakes_reply_line() -> None:
    text = '{"content": "FAKE-REPLY model=gpt-5 messages=3 digest=0123456789ab\\nlast-user: hi"}'
    assert reply_marker(text) == "digest=0123456789ab"
    assert reply_marker("no marker here") is None


def test_an_assistant_turn_missing_from_later_requests_is_lost() -> None:
    turns = [turn("U1", 0.0, 1.0, "digest=aaaaaaaaaaaa"), turn("U2", 1.5, 2.0)]
    stored = run_with(turns, ["U1", "U1 digest=aaaaaaaaaaaa U2"])
    assert CHECK.evaluate(stored).passed
    verdict = CHECK.evaluate(run_with(turns, ["U1", "U1 U2"]))
    assert not verdict.passed and verdict.figures["lost"] == 1
    users_only = ConversationIntegrity(type="conversation_integrity", assistant_turns=False)
    assert users_only.evaluate(run_with(turns, ["U1", "U1 U2"])).passed


def test_overlapping_calls_need_only_turns_finished_before_they_began() -> None:
    # U2 and U3 ran at the same time on one thread: neither could see the other; U4 began
    # after both ended and must see all three.
    turns = [turn("U1", 0.0, 1.0), turn("U2", 1.1, 2.0), turn("U3", 1.2, 2.1), turn("U4", 2.5, 3.0)]
    whole = ["U1", "U1 U2", "U1 U3", "U1 U2 U3 U4"]
    assert CHECK.evaluate(run_with(turns, whole)).passed
    lost_update = ["U1", "U1 U2", "U1 U3", "U1 U3 U4"]  # U2 overwritten by U3's write
    verdict = CHECK.evaluate(run_with(turns, lost_update))
    assert not verdict.passed and verdict.figures["lost"] == 1


def test_a_turn_stored_in_another_server_thread_is_not_expected() -> None:
    # Two workers of a group started at once without a continuation id: two server threads.
    other = ThreadTurn("U0", True, "thread-2", start=0.0, end=0.5)
    turns = [other, turn("U1", 0.0, 1.0), turn("U2", 1.5, 2.0)]
    assert CHECK.evaluate(run_with(turns, ["U0", "U1", "U1 U2"])).passed
