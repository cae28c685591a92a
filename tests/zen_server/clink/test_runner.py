"""Running real CLI processes (the fakes in fakes/agent_cli): argv, stdin, env, failures, limits.

Every test starts real subprocesses; a hanging CLI is ended by the runner's own timeout or
by cancellation, and the test then checks that nothing of its process group survived.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from fakes.agent_cli import stdin_digest
from fakes.agent_cli.testing import write_cli_clients
from zen_server.clink.config import CliClient, CliClients, load_cli_clients
from zen_server.clink.runner import CliRun, build_argv, run_cli
from zen_server.errors import CliAgentError

PROMPT = "=== USER REQUEST ===\nreview the parser\n\nAnswer below, using your own tools as needed:"


@pytest.fixture
def clients(tmp_path: Path) -> CliClients:
    roles = {"default": {}, "fast": {"role_args": ["--role-arg", "x y"]}}
    env = {"ZEN_FAKE_CLI_PIDFILE": str(tmp_path / "pids")}
    folder = write_cli_clients(tmp_path / "clients", roles=roles, env=env)
    return load_cli_clients(folder, user_dirs=())


def client(clients: CliClients, name: str) -> CliClient:
    found = clients.get(name)
    assert found is not None
    return found


async def run(
    c: CliClient,
    prompt: str = PROMPT,
    *,
    role: str | None = None,
    system_prompt: str | None = None,
    timeout_s: float = 30,
    limit: int = 10**6,
    server_env: dict[str, str] | None = None,
    redact: Callable[[str], str] = lambda text: text,
) -> CliRun:
    return await run_cli(
        c,
        c.role(role),
        prompt,
        system_prompt=system_prompt,
        timeout_s=timeout_s,
        max_output_bytes=limit,
        server_env=server_env,
        redact=redact,
    )


def argv_of(text: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith("argv: "))
    return list(json.loads(line.removeprefix("argv: ")))


def dead(pid: int) -> bool:
    """Gone, or a zombie waiting for its new parent to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in {"Z", "X"}


@pytest.mark.parametrize("name", ["claude", "codex", "gemini"])
async def test_each_cli_gets_the_prompt_on_stdin_and_its_answer_is_parsed(
    clients: CliClients, name: str
) -> None:
    result = await run(client(clients, name))
    text = result.answer.text
    assert text.startswith(f"FAKE-CLI-REPLY cli={name} digest={stdin_digest(PROMPT)}")
    assert "request: review the parser" in text
    assert result.returncode == 0 and result.answer.input_tokens > 0


async def test_argv_order_is_builtin_then_configured_then_role_prompt_then_role_args(
    clients: CliClients,
) -> None:
    claude = client(clients, "claude")
    result = await run(claude, role="fast", system_prompt="You review.\nCarefully.")
    assert argv_of(result.answer.text) == [
        "claude", "--print", "--output-format", "json", "--permission-mode", "plan",
        "--append-system-prompt", "You review.\nCarefully.", "--role-arg", "x y",
    ]  # fmt: skip
    # What is reported leaves the role prompt out, and runs the resolved executable.
    assert result.command[-4:] == ("--append-system-prompt", "<role prompt>", "--role-arg", "x y")
    assert result.command[0] == sys.executable


def test_a_role_prompt_flag_already_configured_is_not_repeated(clients: CliClients) -> None:
    claude = client(clients, "claude")
    configured = dataclasses.replace(claude, config_args=("--append-system-prompt", "mine"))
    argv = build_argv(configured, configured.role(None), "role text")
    assert argv.count("--append-system-prompt") == 1 and "role text" not in argv


async def test_codex_and_gemini_get_no_role_prompt_argument(clients: CliClients) -> None:
    for name in ("codex", "gemini"):
        result = await run(client(clients, name))
        assert "--append-system-prompt" not in argv_of(result.answer.text)


async def test_the_cli_runs_in_a_scratch_folder_that_is_removed_after(clients: CliClients) -> None:
    result = await run(client(clients, "codex"))
    cwd = next(line for line in result.answer.text.splitlines() if line.startswith("cwd: "))[5:]
    assert Path(cwd).name.startswith("clink-")
    assert not await asyncio.to_thread(os.path.exists, cwd)


async def test_a_configured_working_dir_is_used(tmp_path: Path) -> None:
    work = tmp_path / "repo"
    work.mkdir()
    folder = write_cli_clients(tmp_path / "c", clis=("gemini",), working_dir=work)
    result = await run(client(load_cli_clients(folder, user_dirs=()), "gemini"))
    assert f"cwd: {work}" in result.answer.text


async def test_the_cli_sees_only_allowlisted_variables_its_vendors_and_its_configured_ones(
    clients: CliClients,
) -> None:
    server_env = {
        "PATH": os.environ["PATH"],
        "HOME": "/home/someone",
        "LC_ALL": "C.UTF-8",
        "ANTHROPIC_API_KEY": "anthropic-secret",
        "OPENAI_API_KEY": "openai-secret",
        "GEMINI_API_KEY": "gemini-secret",
        "ZEN_AUTH_TOKEN": "zen-secret",
        "CUSTOM_API_KEY": "custom-secret",
        "AWS_SECRET_ACCESS_KEY": "aws-secret",
    }
    result = await run(client(clients, "claude"), "FAKE-CLI-MODE: env\n", server_env=server_env)
    seen = set(result.answer.text.split("env: ", 1)[1].split())
    assert {"PATH", "HOME", "LC_ALL", "ANTHROPIC_API_KEY", "ZEN_FAKE_CLI_PIDFILE"} <= seen
    others = {"OPENAI_API_KEY", "GEMINI_API_KEY", "ZEN_AUTH_TOKEN", "CUSTOM_API_KEY", "AWS_SECRET_ACCESS_KEY"}
    assert not seen & others
    codex = await run(client(clients, "codex"), "FAKE-CLI-MODE: env\n", server_env=server_env)
    seen = set(codex.answer.text.split("env: ", 1)[1].split())
    assert "OPENAI_API_KEY" in seen and "ANTHROPIC_API_KEY" not in seen


def mark_crashed(text: str) -> str:
    return text.replace("crashed", "[X]")


@pytest.mark.parametrize(
    ("mode", "message", "returncode"),
    [
        ("crash", r"CLI 'codex' exited with status 3; it said: fatal: codex fake \[X\] while answering", 3),
        ("abort", "CLI 'codex' was killed by signal 6", -6),
        ("error", r"CLI 'codex' reported a failure \(exit status 1\): codex fake could not complete", 1),
        ("garbage", "CLI 'codex' finished but its output is unreadable", 0),
    ],
)
async def test_failures_name_the_cli_and_how_it_failed(
    clients: CliClients, mode: str, message: str, returncode: int
) -> None:
    with pytest.raises(CliAgentError, match=message) as info:
        await run(client(clients, "codex"), f"FAKE-CLI-MODE: {mode}\n", redact=mark_crashed)
    assert info.value.cli == "codex" and info.value.returncode == returncode


async def test_an_answer_written_to_a_file_is_read_when_stdout_is_empty(tmp_path: Path) -> None:
    folder = write_cli_clients(tmp_path / "c", clis=("gemini",))
    config = json.loads((folder / "gemini.json").read_text())
    config["output_to_file"] = {"flag_template": "--answer-file {path}"}
    (folder / "gemini.json").write_text(json.dumps(config))
    result = await run(client(load_cli_clients(folder, user_dirs=()), "gemini"))
    assert result.answer.text.startswith("FAKE-CLI-REPLY cli=gemini")
    assert "--answer-file" in result.command


async def test_a_cli_writing_without_end_is_stopped_at_the_output_limit(clients: CliClients) -> None:
    with pytest.raises(CliAgentError, match="wrote more than 200,000 bytes to stdout and was stopped"):
        await run(client(clients, "gemini"), "FAKE-CLI-MODE: flood\n", limit=200_000)


async def test_an_answer_within_the_limit_is_whole(tmp_path: Path) -> None:
    folder = write_cli_clients(tmp_path / "c", clis=("gemini",), env={"ZEN_FAKE_CLI_HUGE_CHARS": "150000"})
    gemini = client(load_cli_clients(folder, user_dirs=()), "gemini")
    result = await run(gemini, "FAKE-CLI-MODE: huge\n", limit=400_000)
    assert len(result.answer.text) == 150_000


async def test_a_hanging_cli_is_stopped_at_its_timeout_with_its_whole_process_group(
    clients: CliClients, tmp_path: Path
) -> None:
    # Long enough for the fake to start its child first, even on a loaded machine.
    with pytest.raises(CliAgentError, match="did not finish within 8 s and was stopped with everything"):
        await run(client(clients, "claude"), "FAKE-CLI-MODE: hang\n", timeout_s=8)
    pids = [int(p) for p in (tmp_path / "pids").read_text().split()]
    assert len(pids) == 2 and all(dead(pid) for pid in pids), pids


async def test_cancelling_a_run_kills_the_process_group_at_once(clients: CliClients, tmp_path: Path) -> None:
    pidfile = tmp_path / "pids"
    task = asyncio.create_task(run(client(clients, "codex"), "FAKE-CLI-MODE: hang\n", timeout_s=600))
    # Waiting on the fake's own signal that the CLI and its child are up.
    while not pidfile.exists() or len(pidfile.read_text().split()) < 2:  # noqa: ASYNC110
        await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert all(dead(int(pid)) for pid in pidfile.read_text().split())


async def test_a_missing_executable_is_named_and_nothing_starts(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"name": "codex", "command": "no-such-cli-anywhere --x"}))
    with pytest.raises(CliAgentError, match="executable 'no-such-cli-anywhere' was not found on PATH"):
        await run(client(load_cli_clients(path, user_dirs=()), "codex"))


async def test_a_working_dir_that_does_not_exist_fails_to_start(tmp_path: Path) -> None:
    folder = write_cli_clients(tmp_path / "c", clis=("codex",), working_dir=tmp_path / "missing")
    with pytest.raises(CliAgentError, match="CLI 'codex' could not start"):
        await run(client(load_cli_clients(folder, user_dirs=()), "codex"))
