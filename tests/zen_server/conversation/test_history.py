"""History building: newest file reference wins, newest turns kept, chronological output."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from zen_server.conversation.budget import TokenBudget, estimate_tokens
from zen_server.conversation.history import (
    build_history,
    conversation_files,
    follow_up_instructions,
    last_model_used,
)


def test_newest_file_reference_wins_and_comes_first(make_turn: Callable[..., Any]) -> None:
    turns = [
        make_turn(files=("/main.py", "/utils.py")),
        make_turn(files=("/test.py",)),
        make_turn(files=("/main.py", "/config.py")),
    ]
    assert conversation_files(turns) == ["/main.py", "/config.py", "/test.py", "/utils.py"]


def test_history_shows_turns_in_order_with_speakers_and_files(
    make_thread: Callable[..., Any], make_turn: Callable[..., Any]
) -> None:
    thread = make_thread(
        turns=(
            make_turn("What about X?", files=("/x.py",)),
            make_turn("X is fine.", role="assistant", tool="analyze"),
        )
    )
    history = build_history(thread, token_budget=10_000, max_turns=50, files_block="FILE-BLOCK")
    text = history.text
    assert text.index("What about X?") < text.index("X is fine.") < text.index("This is turn 3")
    assert "--- Turn 1 (Agent via chat) ---" in text
    assert "Files shared in this turn: /x.py" in text
    assert "via analyze" in text and "FILE-BLOCK" in text
    assert (history.included_turns, history.total_turns, history.files) == (2, 2, ("/x.py",))
    assert history.tokens == estimate_tokens(text)


def test_tight_budget_keeps_the_newest_turns(
    make_thread: Callable[..., Any], make_turn: Callable[..., Any]
) -> None:
    turns = tuple(make_turn(f"turn-{i:02d} " + "w" * 400) for i in range(10))
    history = build_history(make_thread(turns=turns), token_budget=500, max_turns=50)
    assert 0 < history.included_turns < 10
    kept = [f"turn-{i:02d}" for i in range(10) if f"turn-{i:02d}" in history.text]
    assert kept == [f"turn-{i:02d}" for i in range(10 - history.included_turns, 10)]
    assert "most recent of 10 turns" in history.text
    assert history.tokens <= 500 + 200  # only the fixed footer may exceed the turn budget


def test_empty_thread_gives_empty_history(make_thread: Callable[..., Any]) -> None:
    assert build_history(make_thread(), token_budget=100, max_turns=5).text == ""


def test_last_model_used_is_the_newest_answer(
    make_thread: Callable[..., Any], make_turn: Callable[..., Any]
) -> None:
    from dataclasses import replace

    older = replace(make_turn(role="assistant"), model="flash")
    newer = replace(make_turn(role="assistant"), model="gpt-5")
    assert last_model_used(make_thread(turns=(older, make_turn(), newer, make_turn()))) == "gpt-5"
    assert last_model_used(make_thread()) is None


def test_follow_up_instructions_stop_at_the_last_exchange() -> None:
    assert "last exchange" in follow_up_instructions(turns_so_far=8, max_turns=10)
    assert "last exchange" in follow_up_instructions(turns_so_far=7, max_turns=10)  # one turn left


def test_the_model_and_the_agent_are_told_the_same_number_of_remaining_turns() -> None:
    # 4 turns so far; this exchange adds 2; the agent's remaining_turns is 10 - 6 = 4.
    assert "(4 more turns allowed)" in follow_up_instructions(turns_so_far=4, max_turns=10)
    assert "(48 more turns allowed)" in follow_up_instructions(turns_so_far=0, max_turns=50)


def test_budget_splits_small_and_large_windows() -> None:
    small = TokenBudget.for_context_window(100_000)
    assert (small.content_tokens, small.file_tokens, small.history_tokens) == (60_000, 18_000, 30_000)
    large = TokenBudget.for_context_window(1_000_000)
    assert (large.content_tokens, large.response_tokens) == (800_000, 200_000)
    assert estimate_tokens("abcdefgh") == 2 and estimate_tokens("abcdefghi") == 3
