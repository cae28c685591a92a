"""The clink tool over the fake CLIs: what reaches the CLI, what comes back, what is refused.

Refusals are checked with a spy in place of the runner: a refused call must not start anything.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fakes.agent_cli import stdin_digest
from fakes.agent_cli.testing import write_cli_clients
from zen_server.config import Settings
from zen_server.errors import CliAgentError, FileAccessError, ToolInputError
from zen_server.resilience.deadline import deadline_scope
from zen_server.tools import clink as clink_module
from zen_server.tools.base import ToolContext
from zen_server.tools.chat import ChatTool
from zen_server.tools.clink import ClinkTool, compose_cli_prompt

from .conftest import CallTool

ROLE_PROMPTS = Path(clink_module.__file__).parents[1] / "clink" / "prompts"


@pytest.fixture
def clients_dir(tmp_path: Path) -> Path:
    roles = {"default": {}, "planner": {"prompt_path": "systemprompts/clink/default_planner.txt"}}
    return write_cli_clients(tmp_path / "clients", roles=roles, env={"ZEN_FAKE_CLI_HUGE_CHARS": "30000"})


@pytest.fixture
def settings(clients_dir: Path) -> Settings:
    return Settings(default_model="auto", max_conversation_turns=10, cli_clients_config_path=clients_dir)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Replaces the runner: records each run instead of starting a process."""
    runs: list[Any] = []

    async def record(*args: Any, **kwargs: Any) -> Any:
        runs.append((args, kwargs))
        raise AssertionError("a refused call must not run a CLI")

    monkeypatch.setattr(clink_module, "run_cli", record)
    return runs


def call_args(prompt: str = "review the parser", **extra: Any) -> dict[str, Any]:
    return {"prompt": prompt, "cli_name": "codex", **extra}


def sent_digest(text: str) -> str:
    return text.split("digest=", 1)[1].split()[0]


async def test_schema_lists_the_configured_clis_and_roles(settings: Settings, catalog: Any) -> None:
    schema = ClinkTool().input_schema(catalog, settings)
    assert schema["properties"]["cli_name"]["enum"] == ["claude", "codex", "gemini"]
    assert schema["properties"]["role"]["enum"] == ["default", "planner"]
    assert schema["required"] == ["prompt", "cli_name"]


async def test_the_cli_receives_role_note_request_and_file_references_on_stdin(
    call_tool: CallTool, settings: Settings, project: Path
) -> None:
    path = str(project / "pkg" / "app.py")
    result, recorded, envelope = await call_tool(
        ClinkTool(), call_args(absolute_file_paths=[path]), settings=settings
    )
    expected = compose_cli_prompt(
        "review the parser",
        files=[path],
        images=[],
        thread=None,
        max_turns=10,
        role_prompt=(ROLE_PROMPTS / "default.txt").read_text(),
    )
    assert sent_digest(result.content) == stdin_digest(expected)
    assert f"- {path} (modified " in expected and "=== USER REQUEST ===\nreview the parser" in expected
    assert envelope["status"] == "continuation_available" and recorded is not None
    metadata = envelope["metadata"]
    assert metadata["cli_name"] == "codex" and metadata["role"] == "default" and metadata["return_code"] == 0
    assert metadata["parser"] == "codex_jsonl" and metadata["usage"]["output_tokens"] > 0


async def test_claude_gets_its_role_prompt_as_an_argument_not_on_stdin(
    call_tool: CallTool, settings: Settings
) -> None:
    result, _, envelope = await call_tool(
        ClinkTool(), call_args(cli_name="claude", role="planner"), settings=settings
    )
    expected = compose_cli_prompt(
        "review the parser", files=[], images=[], thread=None, max_turns=10, role_prompt=None
    )
    assert sent_digest(result.content) == stdin_digest(expected)
    assert "<role prompt>" in envelope["metadata"]["command"]
    assert envelope["metadata"]["model_used"] == "claude-fake-sonnet"


async def test_a_continuation_shows_the_cli_the_earlier_turns_of_any_tool(
    call_tool: CallTool, settings: Settings, context: Callable[..., ToolContext], project: Path
) -> None:
    chat_args = {"prompt": "remember the word heliotrope", "model": "gpt-5",
                 "working_directory_absolute_path": str(project)}  # fmt: skip
    _, first, _ = await call_tool(ChatTool(), chat_args, settings=settings)
    assert first is not None
    thread = await context(settings=settings).conversation.load(first.thread_id)
    result, second, _ = await call_tool(
        ClinkTool(), call_args("what was the word?", continuation_id=first.thread_id), settings=settings
    )
    expected = compose_cli_prompt(
        "what was the word?",
        files=[],
        images=[],
        thread=thread,
        max_turns=10,
        role_prompt=(ROLE_PROMPTS / "default.txt").read_text(),
    )
    assert "remember the word heliotrope" in expected and "model says hi" in expected
    assert sent_digest(result.content) == stdin_digest(expected)
    assert second is not None and second.thread_id == first.thread_id and second.turn_count == 4


async def test_a_prompt_file_replaces_the_prompt(
    call_tool: CallTool, settings: Settings, tmp_path: Path
) -> None:
    prompt_file = tmp_path / "prompt.txt"
    prompt_file.write_text("the long request from a file")
    result, _, _ = await call_tool(
        ClinkTool(), call_args("see file", absolute_file_paths=[str(prompt_file)]), settings=settings
    )
    assert "request: the long request from a file" in result.content


async def test_a_long_answer_comes_back_as_its_summary(call_tool: CallTool, settings: Settings) -> None:
    _, _, envelope = await call_tool(ClinkTool(), call_args("FAKE-CLI-MODE: huge"), settings=settings)
    assert envelope["content"] == "the short version of a very long fake answer"
    assert envelope["metadata"]["output_summarized"] is True
    assert envelope["metadata"]["output_original_length"] > 20_000


async def test_a_failing_cli_is_a_tool_error(call_tool: CallTool, settings: Settings) -> None:
    with pytest.raises(CliAgentError, match="exited with status 3"):
        await call_tool(ClinkTool(), call_args("FAKE-CLI-MODE: crash"), settings=settings)


async def test_the_call_deadline_bounds_the_cli_and_the_runner_explains(
    call_tool: CallTool, settings: Settings
) -> None:
    async with deadline_scope(9):
        with pytest.raises(CliAgentError, match=r"did not finish within 4 s.*ZEN_TOOL_DEADLINES=clink"):
            await call_tool(ClinkTool(), call_args("FAKE-CLI-MODE: hang"), settings=settings)


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"cli_name": "aider"}, ToolInputError, "argument 'cli_name' must be one of"),
        ({"cli_name": "codex; rm -rf ~"}, ToolInputError, "argument 'cli_name' must be one of"),
        ({"role": "reviewer"}, ToolInputError, "argument 'role' must be one of"),
        ({"absolute_file_paths": ["/tmp/x; rm -rf ~"]}, ToolInputError, r"shell metacharacters \(';'\)"),
        ({"absolute_file_paths": ["/tmp/$(whoami)"]}, ToolInputError, r"shell metacharacters \('\$'\)"),
        ({"absolute_file_paths": ["/tmp/a`id`"]}, ToolInputError, "shell metacharacters"),
        ({"absolute_file_paths": ["/tmp/a\nb"]}, ToolInputError, "shell metacharacters"),
        ({"images": ["/tmp/a|b.png"]}, ToolInputError, "images '/tmp/a|b.png' contains shell metacharacters"),
        ({"images": ["data:image/png;base64,AAAA"]}, ToolInputError, "takes file paths, not data: URLs"),
        ({"absolute_file_paths": ["pkg/app.py"]}, FileAccessError, "relative path"),
        ({"absolute_file_paths": ["/no/such/file.py"]}, FileAccessError, "does not exist|not found|no such"),
    ],
)
async def test_bad_input_is_refused_and_nothing_runs(
    call_tool: CallTool,
    settings: Settings,
    spy: list[Any],
    arguments: dict[str, Any],
    error: type,
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        await call_tool(ClinkTool(), call_args(**arguments), settings=settings)
    assert spy == []


async def test_a_role_another_cli_has_is_refused_for_this_one(
    tmp_path: Path, call_tool: CallTool, spy: list[Any]
) -> None:
    folder = write_cli_clients(tmp_path / "c", clis=("codex",), roles={"default": {}, "special": {}})
    settings = Settings(cli_clients_config_path=folder)
    with pytest.raises(
        ToolInputError, match=r"role 'special' is not configured for CLI 'claude'.*Nothing was run"
    ):
        await call_tool(ClinkTool(), call_args(cli_name="claude", role="special"), settings=settings)
    assert spy == []


async def test_paths_outside_the_allowed_roots_are_refused(
    clients_dir: Path, call_tool: CallTool, spy: list[Any], project: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("x")
    settings = Settings(cli_clients_config_path=clients_dir, zen_allowed_roots=str(project))
    with pytest.raises(FileAccessError, match="outside the directories this server may read"):
        await call_tool(ClinkTool(), call_args(absolute_file_paths=[str(outside)]), settings=settings)
    assert spy == []


def test_a_broken_client_file_stops_the_registry_naming_the_file(tmp_path: Path) -> None:
    from zen_server.errors import ConfigurationError
    from zen_server.tools.registry import ToolRegistry

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": "codex"}))
    with pytest.raises(ConfigurationError, match=str(bad)):
        ToolRegistry.default(Settings(cli_clients_config_path=bad))
    assert "clink" not in ToolRegistry.default(Settings(cli_clients_config_path=bad, disabled_tools="clink"))


async def test_keys_among_configured_arguments_are_not_reported(tmp_path: Path, call_tool: CallTool) -> None:
    folder = write_cli_clients(tmp_path / "c", clis=("gemini",))
    config = json.loads((folder / "gemini.json").read_text())
    config["additional_args"] += ["--api-key=AIzaSyD-not-a-real-key-0123456789"]
    (folder / "gemini.json").write_text(json.dumps(config))
    settings = Settings(cli_clients_config_path=folder)
    _, _, envelope = await call_tool(ClinkTool(), call_args(cli_name="gemini"), settings=settings)
    command = " ".join(envelope["metadata"]["command"])
    assert "--api-key=[REDACTED]" in command and "AIzaSyD" not in command
