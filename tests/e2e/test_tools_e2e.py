"""The server as a client sees it, over stdio and streamable HTTP, against a fake provider."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
import pytest

from fakes.testing import FakeServer
from tests.e2e.conftest import MODEL, Connect, chat_args, text_of

# "legacy" is the initialize handshake today's clients (Claude Code, Desktop) use;
# "auto" settles on the 2026 protocol, since both sides speak it.
pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("mode", ["legacy", "auto"])]

COMPAT = json.loads((Path(__file__).resolve().parents[2] / "compat" / "pal-11.8.2-tools.json").read_text())
COMPAT_TOOLS = ("chat", "clink", "jules", "challenge", "listmodels", "version")


def user_texts(body: dict[str, Any]) -> str:
    return "\n".join(str(m.get("content")) for m in body.get("messages", []) if m.get("role") == "user")


async def test_tools_list_matches_the_upstream_interface(connect: Connect, mode: str) -> None:
    async with connect(mode=mode) as client:
        info = client.server_info
        listed = {t.name: t.input_schema for t in (await client.list_tools()).tools}

    assert info is not None and info.name == "zen"
    for name in COMPAT_TOOLS:
        expected = COMPAT["tools"][name]
        schema = listed[name]
        properties = schema.get("properties", {})
        assert {p: spec.get("type") for p, spec in properties.items()} == expected["properties"], name
        assert sorted(schema.get("required", [])) == sorted(expected["required"]), name
        enums = {p: sorted(spec["enum"]) for p, spec in properties.items() if "enum" in spec}
        assert enums == {p: sorted(v) for p, v in expected["enums"].items()}, name


async def test_chat_answers_and_a_continuation_sends_the_first_turn(
    connect: Connect, mode: str, fake: FakeServer
) -> None:
    async with connect(mode=mode) as client:
        first = await client.call_tool("chat", chat_args("the password is swordfish"))
        assert not first.is_error, text_of(first)
        envelope = json.loads(text_of(first))
        assert "FAKE-REPLY" in envelope["content"], "chat must return the model's text"
        thread_id = envelope["continuation_offer"]["continuation_id"]

        second = await client.call_tool(
            "chat", chat_args("what was the password?", continuation_id=thread_id)
        )
        assert not second.is_error, text_of(second)
        assert json.loads(text_of(second))["continuation_offer"]["continuation_id"] == thread_id

    bodies = [call["body"] for call in fake.control.stats(bodies=10).recent]
    assert len(bodies) == 2
    # The second request carries the first turn (and its answer) to the model.
    assert "the password is swordfish" in user_texts(bodies[1])
    assert "what was the password?" in user_texts(bodies[1])


NO_THREAD = "00000000-0000-4000-8000-000000000000"
BAD_CALLS: list[tuple[str, str, dict[str, Any], str]] = [
    ("unknown tool", "no_such_tool", {}, "no_such_tool"),
    ("missing argument", "chat", {"model": MODEL, "working_directory_absolute_path": "/tmp"}, "prompt"),
    ("mistyped argument", "chat", chat_args("hi", temperature="hot"), "temperature"),
    ("unknown model", "chat", {**chat_args("hi"), "model": "no-such-model-9000"}, "no-such-model-9000"),
    ("unknown continuation", "chat", chat_args("hi", continuation_id=NO_THREAD), "continuation"),
    ("relative path", "chat", chat_args("hi", absolute_file_paths=["src/main.py"]), "src/main.py"),
    ("prompt too large", "chat", chat_args("x" * 70_000), "file"),
]  # fmt: skip


async def test_bad_input_gives_tool_errors_that_name_the_problem(
    connect: Connect, mode: str, fake: FakeServer
) -> None:
    async with connect(mode=mode) as client:
        for label, tool, arguments, needle in BAD_CALLS:
            result = await client.call_tool(tool, arguments)
            text = text_of(result)
            assert result.is_error, f"{label}: expected an error, got {text[:200]}"
            assert needle.lower() in text.lower(), f"{label}: {text[:300]}"
        # Still serving after every failure.
        ok = await client.call_tool("chat", chat_args("still there?"))
        assert not ok.is_error, text_of(ok)
    assert fake.control.stats(bodies=0).requests == 1, "no bad call may reach the provider"


async def test_fifty_concurrent_chats_overlap_at_the_provider(
    connect: Connect, mode: str, fake: FakeServer, transport: str
) -> None:
    calls = 50
    async with connect(mode=mode) as client:
        await client.call_tool("version", {})  # warm: imports and first connection are not the subject
        fake.control.reset()
        # Every answer waits until all 50 are at the provider together: answered means they
        # ran side by side, however busy the machine; one at a time, they would time out.
        fake.control.set_default({"faults": [{"kind": "rendezvous", "count": calls}]})
        results: list[types.CallToolResult] = []

        async def one(index: int) -> None:
            results.append(await client.call_tool("chat", chat_args(f"question {index}")))

        started = time.perf_counter()
        async with anyio.create_task_group() as tg:
            for index in range(calls):
                tg.start_soon(one, index)
        wall_s = time.perf_counter() - started

    stats = fake.control.stats(bodies=0)
    print(f"\n[{transport}/{mode}] {calls} concurrent chat calls met at the provider: wall {wall_s:.2f} s, "
          f"provider max in flight {stats.max_in_flight}")  # fmt: skip
    assert [r.is_error for r in results] == [False] * calls, [text_of(r)[:200] for r in results if r.is_error]
    assert stats.requests == calls
    assert stats.max_in_flight == calls
