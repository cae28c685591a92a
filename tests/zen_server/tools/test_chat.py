"""chat: request building, continuation across calls and tools, files sent once, budgets, errors."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from zen_server.config import Settings
from zen_server.conversation.exchange import ExchangeDraft
from zen_server.conversation.service import ConversationService
from zen_server.errors import (
    FileAccessError,
    PromptTooLargeError,
    ThreadExpiredError,
    ThreadTurnLimitError,
    ToolInputError,
    UnknownModelError,
)
from zen_server.tools.chat import ChatTool

CHAT = ChatTool()


def args(project: Path, prompt: str = "Is this design sound?", **extra: Any) -> dict[str, Any]:
    return {"prompt": prompt, "working_directory_absolute_path": str(project), "model": "gpt5", **extra}


async def test_chat_sends_system_and_user_messages_and_returns_the_answer(
    call_tool: Any, models: Any, project: Path
) -> None:
    result, recorded, output = await call_tool(CHAT, args(project, temperature=0.2, thinking_mode="high"))
    request = models.requests[0]
    assert request.model == "gpt-5" and request.tool_name == "chat"
    assert [m.role for m in request.messages] == ["system", "user"]
    assert "Is this design sound?" in request.messages[1].content
    assert request.temperature is None  # gpt-5 takes no temperature
    assert request.thinking_mode == "high"
    assert output["status"] == "continuation_available"
    assert output["content"].startswith("model says hi")
    assert output["metadata"]["model_used"] == "gpt-5"
    assert output["metadata"]["provider_used"] == "openai"
    assert output["continuation_offer"]["continuation_id"] == recorded.thread_id
    assert output["continuation_offer"]["remaining_turns"] == 8
    assert result.exchange.user_content == "Is this design sound?"
    assert result.exchange.assistant_content == "model says hi"


async def test_temperature_defaults_and_thinking_is_dropped_for_models_without_it(
    call_tool: Any, models: Any, project: Path
) -> None:
    await call_tool(CHAT, args(project, model="flash", thinking_mode="max"))
    assert models.requests[0].temperature == 0.5
    assert models.requests[0].thinking_mode is None


async def test_auto_mode_requires_model(call_tool: Any, project: Path) -> None:
    arguments = args(project)
    del arguments["model"]
    with pytest.raises(ToolInputError, match="'model'"):
        await call_tool(CHAT, arguments)


async def test_concrete_default_model_is_used_when_model_is_omitted(
    call_tool: Any, models: Any, project: Path
) -> None:
    settings = Settings(default_model="flash")
    assert "model" not in CHAT.input_schema(None, settings)["required"]  # type: ignore[arg-type]
    arguments = args(project)
    del arguments["model"]
    await call_tool(CHAT, arguments, settings=settings)
    assert models.requests[0].model == "gemini-2.5-flash"


async def test_model_auto_marks_the_request_so_the_gateway_may_fall_back_anywhere(
    call_tool: Any, models: Any, project: Path
) -> None:
    await call_tool(CHAT, args(project, model="auto"))
    await call_tool(CHAT, args(project, model="gpt5"))
    picked, explicit = models.requests
    assert picked.model != "auto" and picked.auto_selected
    assert not explicit.auto_selected


async def test_unknown_model_is_refused_before_any_call(call_tool: Any, models: Any, project: Path) -> None:
    with pytest.raises(UnknownModelError):
        await call_tool(CHAT, args(project, model="grok"))  # xai is not configured
    assert models.requests == []


async def test_continuation_shows_the_model_earlier_turns(call_tool: Any, models: Any, project: Path) -> None:
    models.reply = "Use a queue."
    _, first, _ = await call_tool(CHAT, args(project, prompt="How do I decouple A from B?"))
    models.reply = "Bound it."
    _, second, output = await call_tool(
        CHAT, args(project, prompt="And back-pressure?", continuation_id=first.thread_id)
    )
    seen = models.last_user_text()
    assert (
        seen.index("How do I decouple A from B?")
        < seen.index("Use a queue.")
        < seen.index("And back-pressure?")
    )
    assert second.thread_id == first.thread_id and second.turn_count == 4
    assert output["continuation_offer"]["remaining_turns"] == 6


async def test_continuation_across_tools_and_without_model_keeps_the_last_model(
    call_tool: Any, models: Any, service: ConversationService, project: Path
) -> None:
    from zen_server.providers.types import ModelResponse

    recorded = await service.record_exchange(
        None, "analyze", ExchangeDraft("analyze the cache", "the cache leaks"),
        ModelResponse(text="the cache leaks", provider="gemini", model="gemini-2.5-flash"),
    )  # fmt: skip
    arguments = args(project, prompt="How do I fix it?", continuation_id=recorded.thread_id)
    del arguments["model"]
    arguments["model"] = ""  # explicit empty model falls back to the thread's model
    await call_tool(CHAT, arguments)
    assert models.requests[0].model == "gemini-2.5-flash"
    assert "the cache leaks" in models.last_user_text()
    assert "via analyze" in models.last_user_text()


async def test_files_are_numbered_and_never_sent_twice(call_tool: Any, models: Any, project: Path) -> None:
    app = str(project / "pkg" / "app.py")
    util = str(project / "pkg" / "util.py")
    _, first, _ = await call_tool(CHAT, args(project, absolute_file_paths=[app, util]))
    assert "   2│     return 42" in models.last_user_text()
    await call_tool(CHAT, args(project, absolute_file_paths=[app], continuation_id=first.thread_id))
    text = models.last_user_text()
    assert text.count(f"--- BEGIN FILE: {app}") == 1
    assert text.count(f"--- BEGIN FILE: {util}") == 1  # from history, not resent by the client
    # The resent file is this request's (newest) copy, after the history section.
    assert (
        text.index(f"--- BEGIN FILE: {util}")
        < text.index("=== NEW USER INPUT ===")
        < text.index(f"--- BEGIN FILE: {app}")
    )


async def test_directory_is_expanded_and_recorded_as_files(
    call_tool: Any, models: Any, project: Path
) -> None:
    result, _, _ = await call_tool(CHAT, args(project, absolute_file_paths=[str(project)]))
    assert set(result.exchange.files) == {
        str(project / "README.md"), str(project / "pkg" / "app.py"), str(project / "pkg" / "util.py"),
    }  # fmt: skip
    assert "# readme" in models.last_user_text()


async def test_history_is_trimmed_to_a_small_models_budget(
    call_tool: Any, models: Any, project: Path
) -> None:
    _, recorded, _ = await call_tool(CHAT, args(project, prompt="OLDEST " + "a" * 1500, model="tiny"))
    for i in range(3):
        _, recorded, _ = await call_tool(
            CHAT,
            args(project, prompt=f"turn{i} " + "b" * 1500, model="tiny", continuation_id=recorded.thread_id),
        )
    text = models.last_user_text()
    assert "OLDEST" not in text and "turn1" in text
    assert "most recent of 6 turns" in text


async def test_prompt_over_mcp_limit_asks_for_prompt_txt(call_tool: Any, project: Path) -> None:
    with pytest.raises(PromptTooLargeError, match=r"prompt\.txt"):
        await call_tool(CHAT, args(project, prompt="x" * 60_001))


async def test_prompt_txt_replaces_the_prompt(call_tool: Any, models: Any, project: Path) -> None:
    prompt_file = project / "prompt.txt"
    prompt_file.write_text("BIG PROMPT " * 7_000)
    result, _, _ = await call_tool(CHAT, args(project, prompt="", absolute_file_paths=[str(prompt_file)]))
    assert models.last_user_text().count("BIG PROMPT") == 7_000
    assert "--- BEGIN FILE" not in models.last_user_text()
    assert result.exchange.files == ()


@pytest.mark.parametrize(
    ("paths", "message"),
    [
        (["pkg/app.py"], "relative path; send the FULL absolute path"),
        (["/no/such/file.py"], "does not exist"),
    ],
)
async def test_bad_paths_are_refused_with_guidance(
    call_tool: Any, models: Any, project: Path, paths: list[str], message: str
) -> None:
    with pytest.raises(FileAccessError, match=message):
        await call_tool(CHAT, args(project, absolute_file_paths=paths))
    assert models.requests == []


async def test_paths_outside_allowed_roots_are_refused(call_tool: Any, project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("token")
    settings = Settings(zen_allowed_roots=str(project), default_model="auto")
    with pytest.raises(FileAccessError, match="outside the directories"):
        await call_tool(CHAT, args(project, absolute_file_paths=[str(outside)]), settings=settings)


async def test_working_directory_must_exist(call_tool: Any, project: Path) -> None:
    with pytest.raises(FileAccessError, match="working_directory_absolute_path"):
        await call_tool(CHAT, args(project / "missing"))


async def test_expired_continuation_fails_clearly(call_tool: Any, project: Path) -> None:
    with pytest.raises(ThreadExpiredError):
        await call_tool(
            CHAT, args(project, continuation_id="0c4a2d0e-3c1b-4f7e-9a55-2f1e0c8b7d61"),
            conversation=_ExpiredReader(),
        )  # fmt: skip


async def test_images_need_a_model_that_sees_them(call_tool: Any, models: Any, project: Path) -> None:
    png = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(8)).decode()
    with pytest.raises(ToolInputError, match="does not accept images"):
        await call_tool(CHAT, args(project, model="flash", images=[png]))
    await call_tool(CHAT, args(project, images=[png]))
    assert models.requests[0].messages[-1].images == (png,)


class _ExpiredReader:
    async def load(self, continuation_id: str) -> Any:
        raise ThreadExpiredError(f"continuation_id {continuation_id} expired or was evicted")


def test_schema_matches_the_upstream_interface(catalog: Any, settings: Settings) -> None:
    schema = CHAT.input_schema(catalog, settings)
    types = {name: spec["type"] for name, spec in schema["properties"].items()}
    assert types == {
        "prompt": "string", "absolute_file_paths": "array", "images": "array",
        "working_directory_absolute_path": "string", "model": "string", "temperature": "number",
        "thinking_mode": "string", "continuation_id": "string",
    }  # fmt: skip
    assert sorted(schema["required"]) == ["model", "prompt", "working_directory_absolute_path"]
    assert schema["properties"]["thinking_mode"]["enum"] == ["minimal", "low", "medium", "high", "max"]
    assert "gpt-5" in schema["properties"]["model"]["description"]
    assert "grok-4" not in schema["properties"]["model"]["description"]


async def test_full_conversation_is_refused_before_the_model_is_called(
    call_tool: Any, models: Any, project: Path
) -> None:
    _, recorded, _ = await call_tool(CHAT, args(project))
    for _ in range(4):
        _, recorded, output = await call_tool(CHAT, args(project, continuation_id=recorded.thread_id))
    assert recorded.remaining_turns == 0 and output["continuation_offer"] is None
    calls = len(models.requests)
    with pytest.raises(ThreadTurnLimitError, match="MAX_CONVERSATION_TURNS is 10"):
        await call_tool(CHAT, args(project, continuation_id=recorded.thread_id))
    assert len(models.requests) == calls
