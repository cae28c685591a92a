"""The tool mix: weighted choice, continuations learned from replies, placeholders filled."""

from __future__ import annotations

from collections import Counter

from harness.load.mix import ToolMixPlanner, fill
from harness.load.profile import MixSpec, ToolWeight

OFFER = {"status": "continuation_available", "continuation_offer": {"continuation_id": "thread-1"}}


def mix(**overrides: object) -> MixSpec:
    base: dict[str, object] = {
        "tools": [
            ToolWeight(tool="chat", weight=9, arguments={"prompt": "q {marker}", "path": "{workdir}"}),
            ToolWeight(tool="version", weight=1, continues=False),
        ],
        "continuation_ratio": 1.0,
        "max_turns": 3,
    }
    return MixSpec.model_validate(base | overrides)


def test_weights_decide_the_share_of_each_tool() -> None:
    planner = ToolMixPlanner(mix(), workdir="/w", seed=1)
    counts = Counter(planner.next_call().tool for _ in range(2000))
    assert 0.85 < counts["chat"] / 2000 < 0.95


def test_placeholders_get_a_unique_marker_and_the_workdir() -> None:
    planner = ToolMixPlanner(mix(), workdir="/work/dir", seed=2)
    calls = [planner.next_call() for _ in range(50)]
    chats = [c for c in calls if c.tool == "chat"]
    assert all(c.arguments["path"] == "/work/dir" for c in chats)
    prompts = {c.arguments["prompt"] for c in chats}
    assert len(prompts) == len(chats), "every prompt carries its own marker"
    assert all("{marker}" not in p for p in prompts)


def test_a_thread_is_continued_only_after_the_server_offered_one() -> None:
    planner = ToolMixPlanner(mix(tools=[ToolWeight(tool="chat")]), workdir="/w", seed=3)
    first = planner.next_call()
    assert not first.continued and "continuation_id" not in first.arguments
    planner.observe(OFFER)
    second = planner.next_call()
    assert second.continued and second.arguments["continuation_id"] == "thread-1"


def test_a_thread_restarts_after_max_turns() -> None:
    planner = ToolMixPlanner(mix(tools=[ToolWeight(tool="chat")], max_turns=2), workdir="/w", seed=4)
    continued = []
    for _ in range(6):
        call = planner.next_call()
        continued.append(call.continued)
        planner.observe(OFFER)
    assert continued == [False, True, False, True, False, True]


def test_tools_that_do_not_continue_never_get_a_continuation_id() -> None:
    planner = ToolMixPlanner(mix(tools=[ToolWeight(tool="version", continues=False)]), workdir="/w", seed=5)
    planner.observe(OFFER)
    assert "continuation_id" not in planner.next_call().arguments


def test_fill_replaces_recursively_and_leaves_other_values() -> None:
    value = {"a": ["x {k}", 3, {"b": "{k}{k}"}], "n": None}
    assert fill(value, {"k": "1"}) == {"a": ["x 1", 3, {"b": "11"}], "n": None}
