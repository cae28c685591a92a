"""Reading the three CLIs' machine output, and cutting long answers down to size."""

from __future__ import annotations

import json

import pytest

from zen_server.clink.answer_limit import EXCERPT_CHARS, fit_answer
from zen_server.clink.parsers import (
    UnreadableOutput,
    parse_claude_json,
    parse_codex_jsonl,
    parse_gemini_json,
)


def test_claude_result_object_gives_text_model_usage_and_session() -> None:
    out = json.dumps(
        {
            "type": "result",
            "is_error": False,
            "result": " the answer ",
            "session_id": "s1",
            "usage": {"input_tokens": 11, "output_tokens": 7},
            "modelUsage": {"claude-sonnet": {}},
        }
    )
    answer = parse_claude_json(out)
    assert (answer.text, answer.model, answer.input_tokens, answer.output_tokens) == (
        "the answer",
        "claude-sonnet",
        11,
        7,
    )
    assert answer.facts == {"session_id": "s1"} and not answer.is_error


def test_claude_event_array_uses_the_result_event_else_the_last_assistant_message() -> None:
    events = [{"type": "system"}, {"type": "result", "result": "from result"}]
    assert parse_claude_json(json.dumps(events)).text == "from result"
    assistant = [{"type": "assistant", "message": {"content": [{"type": "text", "text": "from assistant"}]}}]
    assert parse_claude_json(json.dumps(assistant)).text == "from assistant"


def test_claude_failure_report_is_an_error_answer() -> None:
    answer = parse_claude_json(json.dumps({"is_error": True, "result": "max turns reached"}))
    assert answer.is_error and answer.text == "max turns reached"


@pytest.mark.parametrize(
    ("stdout", "message"),
    [
        ("", "printed nothing"),
        ("Sure! here you go", "did not print valid JSON"),
        ("42", "neither an object nor an array"),
        ('[{"type": "system"}]', "without a result event"),
        ('{"type": "result", "subtype": "success"}', "result has no text"),
    ],
)
def test_claude_output_without_an_answer_is_unreadable(stdout: str, message: str) -> None:
    with pytest.raises(UnreadableOutput, match=message):
        parse_claude_json(stdout)


def test_codex_joins_agent_messages_skips_noise_and_reads_usage() -> None:
    lines = [
        "codex starting up",
        json.dumps({"type": "thread.started", "thread_id": "t9"}),
        json.dumps({"type": "item.completed", "item": {"type": "reasoning", "text": "hmm"}}),
        json.dumps({"type": "item.completed", "item": {"type": "agent_message", "text": "first"}}),
        "{broken json",
        json.dumps({"type": "item.completed", "item": {"type": "agent_message", "text": "second"}}),
        json.dumps({"type": "turn.completed", "usage": {"input_tokens": 5, "output_tokens": 3}}),
    ]
    answer = parse_codex_jsonl("\n".join(lines))
    assert answer.text == "first\n\nsecond" and (answer.input_tokens, answer.output_tokens) == (5, 3)
    assert answer.facts == {"thread_id": "t9"} and not answer.is_error


def test_codex_errors_without_messages_are_an_error_answer() -> None:
    lines = [
        json.dumps({"type": "error", "message": "quota"}),
        json.dumps({"type": "turn.failed", "error": {}}),
    ]
    answer = parse_codex_jsonl("\n".join(lines))
    assert answer.is_error and answer.text == "quota\n\nturn failed"


def test_codex_without_events_is_unreadable() -> None:
    with pytest.raises(UnreadableOutput, match="no agent_message event"):
        parse_codex_jsonl("plain text only\n")


def test_gemini_response_with_stats() -> None:
    stats = {"models": {"gemini-pro": {"tokens": {"prompt": 9, "candidates": 4}}}}
    answer = parse_gemini_json(json.dumps({"response": "hello", "stats": stats}))
    facts = (answer.text, answer.model, answer.input_tokens, answer.output_tokens)
    assert facts == ("hello", "gemini-pro", 9, 4)


def test_gemini_error_object_is_an_error_answer_and_no_response_is_unreadable() -> None:
    answer = parse_gemini_json(json.dumps({"error": {"code": 429, "message": "slow down"}}))
    assert answer.is_error and answer.text == "gemini reported 429: slow down"
    with pytest.raises(UnreadableOutput, match="no 'response' text"):
        parse_gemini_json(json.dumps({"response": "  "}))


def test_short_answers_pass_unchanged() -> None:
    assert fit_answer("codex", "short", limit=10) == ("short", {})


def test_a_long_answer_becomes_its_summary() -> None:
    text = "x" * 50 + "<summary> the gist </SUMMARY>"
    kept, facts = fit_answer("codex", text, limit=40)
    assert kept == "the gist"
    assert facts == {
        "output_original_length": len(text),
        "output_limit": 40,
        "output_summarized": True,
        "output_summary_length": 8,
    }


def test_a_long_summary_is_cut_to_the_limit() -> None:
    kept, facts = fit_answer("codex", "<SUMMARY>" + "y" * 100 + "</SUMMARY>", limit=30)
    assert kept == "y" * 30 and facts["output_summary_length"] == 30


def test_a_long_answer_without_summary_becomes_a_notice_with_an_excerpt() -> None:
    text = "".join(chr(ord("a") + i % 26) for i in range(30_000))
    kept, facts = fit_answer("gemini", text)
    assert "CLI 'gemini' answered with 30,000 characters" in kept
    assert text[:EXCERPT_CHARS] in kept and text[: EXCERPT_CHARS + 1] not in kept
    assert facts["output_truncated"] is True and facts["output_excerpt_length"] == EXCERPT_CHARS
