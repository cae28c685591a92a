"""store_integrity judged on hand-made run data: lost, duplicated and unstored turns are red."""

from __future__ import annotations

import json

from harness.chaos.hypotheses.store_integrity import StoreIntegrity
from harness.chaos.records import CallRecord, FaultWindow, RunData, ThreadTurn

PHASES = {"before": (0.0, 2.0), "during": (2.0, 6.0), "after": (6.0, 10.0)}
M1, M2, M3 = "ZMK" + "1" * 16 + "Q", "ZMK" + "2" * 16 + "Q", "ZMK" + "3" * 16 + "Q"


def user(marker: str) -> str:
    return json.dumps({"role": "user", "content": f"filler text [{marker}]"})


def assistant(marker: str) -> str:  # a model may echo the prompt: only user turns count
    return json.dumps({"role": "assistant", "content": f"you said [{marker}]"})


def data(
    store: dict[str, list[str]] | None, turns: list[ThreadTurn], calls: list[CallRecord] | None = None
) -> RunData:
    run = RunData(phases=dict(PHASES), threads={"w0-1": turns}, calls=calls or [], end=10.0)
    run.store_threads = store
    return run


def hypothesis(**kw: object) -> StoreIntegrity:
    return StoreIntegrity.model_validate({"type": "store_integrity", **kw})


def test_every_acknowledged_turn_stored_once_passes() -> None:
    store = {"t1": [user(M1), assistant(M1), user(M2), assistant(M2)]}
    verdict = hypothesis(min_checked=2).evaluate(
        data(store, [ThreadTurn(M1, True, "t1"), ThreadTurn(M2, True, "t1")])
    )
    assert verdict.passed and verdict.figures["checked"] == 2


def test_an_acknowledged_turn_missing_from_redis_is_lost() -> None:
    store = {"t1": [user(M1)]}
    verdict = hypothesis().evaluate(data(store, [ThreadTurn(M1, True, "t1"), ThreadTurn(M2, True, "t1")]))
    assert not verdict.passed and verdict.figures["lost"] == 1


def test_a_turn_in_the_wrong_thread_is_lost_from_the_one_acknowledged() -> None:
    store = {"t1": [], "t2": [user(M1)]}
    assert not hypothesis().evaluate(data(store, [ThreadTurn(M1, True, "t1")])).passed


def test_a_turn_stored_twice_anywhere_is_duplicated_even_if_never_acknowledged() -> None:
    store = {"t1": [user(M1), user(M3)], "t2": [user(M3)]}
    verdict = hypothesis().evaluate(data(store, [ThreadTurn(M1, True, "t1"), ThreadTurn(M3, False)]))
    assert not verdict.passed and verdict.figures["duplicated"] == 1


def test_unacknowledged_and_failed_turns_are_not_counted_as_lost() -> None:
    store = {"t1": [user(M1)]}
    turns = [ThreadTurn(M1, True, "t1"), ThreadTurn(M2, True, None), ThreadTurn(M3, False)]
    verdict = hypothesis().evaluate(data(store, turns))
    assert verdict.passed and verdict.figures["checked"] == 1


def test_without_store_contents_or_enough_turns_there_is_no_verdict_but_red() -> None:
    assert not hypothesis().evaluate(data(None, [ThreadTurn(M1, True, "t1")])).passed
    assert (
        not hypothesis(min_checked=5).evaluate(data({"t1": [user(M1)]}, [ThreadTurn(M1, True, "t1")])).passed
    )


def ok_call(start: float, acknowledged: bool) -> CallRecord:
    return CallRecord(worker=0, tool="chat", kind="ok", start=start, latency_s=0.1, acknowledged=acknowledged)


def test_answers_still_unstored_after_the_fault_cleared_are_red() -> None:
    store = {"t1": [user(M1)]}
    turns = [ThreadTurn(M1, True, "t1")]
    fault = [FaultWindow("proxy:redis", "redis down", 2.0, 6.0)]
    healed = data(store, turns, [ok_call(3.0, False), ok_call(8.5, True)])
    healed.windows = fault
    assert hypothesis(stored_again_within_s=2).evaluate(healed).passed
    stuck = data(store, turns, [ok_call(8.5, True), ok_call(9.0, False)])
    stuck.windows = fault
    verdict = hypothesis(stored_again_within_s=2).evaluate(stuck)
    assert not verdict.passed and verdict.figures["unstored_after_recovery"] == 1
