"""Workflow tools over stdio with the SDK's client against the fake provider: a full multi-step run."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from fakes.testing import FakeServer
from tests.e2e.conftest import MODEL, Connect, text_of

pytestmark = pytest.mark.e2e

COMPAT = json.loads((Path(__file__).resolve().parents[2] / "compat" / "pal-11.8.2-tools.json").read_text())
WORKFLOW_TOOLS = ("thinkdeep", "codereview", "debug", "analyze", "testgen", "secaudit", "refactor")


def step(tool: str, number: int, total: int, path: str, **extra: Any) -> dict[str, Any]:
    return {
        "step": f"{tool} step {number}",
        "step_number": number,
        "total_steps": total,
        "next_step_required": number < total,
        "findings": f"E2E-FINDING-{tool}-{number}",
        "relevant_files": [path],
        "confidence": "exploring",
        "model": MODEL,
        **extra,
    }


@pytest.mark.parametrize("transport", ["stdio"], indirect=True)
async def test_workflow_tools_are_listed_as_upstream_lists_them(connect: Connect) -> None:
    async with connect() as client:
        listed = {t.name: t.input_schema for t in (await client.list_tools()).tools}
    for name in (*WORKFLOW_TOOLS, "planner", "consensus", "precommit", "tracer", "docgen", "apilookup"):
        expected = COMPAT["tools"][name]
        properties = listed[name].get("properties", {})
        assert {p: spec.get("type") for p, spec in properties.items()} == expected["properties"], name
        assert sorted(listed[name].get("required", [])) == sorted(expected["required"]), name


@pytest.mark.parametrize("transport", ["stdio"], indirect=True)
@pytest.mark.parametrize("tool", WORKFLOW_TOOLS)
async def test_three_step_run_reaches_the_model_once_with_everything(
    connect: Connect, fake: FakeServer, tmp_path: Path, tool: str
) -> None:
    """A chat turn, then a three-step run in the same thread: one expert call carries it all.

    The expert request must hold the thread's history (the chat question and the model's
    answer to it), every step's findings once, and the relevant file's content once.
    """
    source = tmp_path / "module.py"
    source.write_text("def handler():\n    return 'E2E_FILE_MARKER'\n")
    chat_question = f"E2E-CHAT-BEFORE-{tool}: remember the codename bluebird"
    async with connect() as client:
        chat = await client.call_tool(
            "chat",
            {"prompt": chat_question, "model": MODEL, "working_directory_absolute_path": str(tmp_path)},
        )
        assert not chat.is_error, text_of(chat)
        chat_envelope = json.loads(text_of(chat))
        chat_thread = chat_envelope["continuation_offer"]["continuation_id"]
        chat_answer = re.search(r"FAKE-REPLY [^\n]*digest=[0-9a-f]{12}", chat_envelope["content"])
        assert chat_answer is not None, chat_envelope["content"]

        first = await client.call_tool(tool, step(tool, 1, 3, str(source), continuation_id=chat_thread))
        assert not first.is_error, text_of(first)
        document = json.loads(text_of(first))
        thread_id = document["continuation_id"]
        assert thread_id == chat_thread, "step 1 with a continuation_id must stay in that thread"
        assert document["status"].startswith("pause_for_") and document["step_number"] == 1
        second = await client.call_tool(tool, step(tool, 2, 3, str(source), continuation_id=thread_id))
        assert not second.is_error, text_of(second)
        assert json.loads(text_of(second))["step_number"] == 2
        assert fake.control.stats(bodies=0).requests == 1, "intermediate steps must not call a model"
        final = await client.call_tool(tool, step(tool, 3, 3, str(source), continuation_id=thread_id))
        assert not final.is_error, text_of(final)
        final_doc = json.loads(text_of(final))
        assert final_doc["status"] == "calling_expert_analysis"
        # The expert's (fake) reply is what the client gets back as the analysis.
        assert "FAKE-REPLY" in json.dumps(final_doc["expert_analysis"])

    bodies = [call["body"] for call in fake.control.stats(bodies=10).recent]
    assert len(bodies) == 2, "one chat call and one expert call"
    sent = "\n".join(str(m.get("content")) for m in bodies[1]["messages"])
    for number in (1, 2, 3):
        assert sent.count(f"E2E-FINDING-{tool}-{number}") == 1
    assert sent.count("E2E_FILE_MARKER") == 1
    # The thread's history: the chat turn before the run, question and answer, reached the expert.
    # (The fake's answer quotes the question, so the question shows up twice: as the turn, and quoted.)
    asked = sent.find(f"(Agent via chat) ---\n{chat_question}")
    answered = sent.find(f"({MODEL} via chat, provider custom) ---\n{chat_answer.group(0)}")
    assert asked >= 0, "the chat question before the run is missing from the expert request"
    assert answered > asked, "the model's earlier answer is missing from the expert request"
    assert answered < sent.index(f"E2E-FINDING-{tool}-1"), "the history comes before the run's steps"
