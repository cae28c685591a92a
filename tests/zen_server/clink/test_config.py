"""clink configuration: the built-in CLIs, overrides in order, and refusals naming the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from zen_server.clink.config import BUILTIN_PROMPTS_DIR, CLI_KINDS, load_cli_clients
from zen_server.errors import ConfigurationError


def write(folder: Path, name: str, config: dict[str, Any] | str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(config if isinstance(config, str) else json.dumps(config))
    return path


def test_builtin_clients_are_the_three_upstream_clis_with_three_roles_each() -> None:
    clients = load_cli_clients(None, user_dirs=())
    assert clients.names() == ["claude", "codex", "gemini"]
    assert clients.all_roles() == ["codereviewer", "default", "planner"]
    for name in clients.names():
        client = clients.get(name)
        assert client is not None and client.kind is CLI_KINDS[name]
        assert client.executable == (name,)
        for role in client.roles.values():
            assert role.prompt_path.parent == BUILTIN_PROMPTS_DIR and role.prompt().strip()
    codex = clients.get("codex")
    assert codex is not None and codex.role("codereviewer").prompt_path.name == "codex_codereviewer.txt"
    assert clients.default_name() == "gemini"


def test_builtin_clients_run_read_only_by_default() -> None:
    clients = load_cli_clients(None, user_dirs=())
    args = {name: " ".join(c.config_args) for name, c in clients.clients.items()}
    assert "--sandbox read-only" in args["codex"] and "dangerously" not in args["codex"]
    assert "--permission-mode plan" in args["claude"]
    assert "--approval-mode plan" in args["gemini"]


def test_env_path_file_replaces_the_builtin_client_of_the_same_name(tmp_path: Path) -> None:
    config = {"name": "Codex", "command": "/opt/codex --fast", "timeout_seconds": 9}
    path = write(tmp_path, "mine.json", config)
    clients = load_cli_clients(path, user_dirs=())
    codex = clients.get("codex")
    assert codex is not None
    assert codex.executable == ("/opt/codex", "--fast") and codex.timeout_s == 9 and codex.source == path
    assert set(codex.roles) == {"default"}  # a file names its roles; default is always there
    assert clients.names() == ["Codex", "claude", "gemini"]


def test_user_folders_override_the_env_path(tmp_path: Path) -> None:
    env_dir, user_dir = tmp_path / "env", tmp_path / "user"
    write(env_dir, "g.json", {"name": "gemini", "command": "from-env"})
    write(user_dir, "g.json", {"name": "gemini", "command": "from-user"})
    gemini = load_cli_clients(env_dir, user_dirs=(user_dir, tmp_path / "missing")).get("gemini")
    assert gemini is not None and gemini.executable == ("from-user",)


def test_role_prompts_resolve_beside_the_file_and_from_upstream_names(tmp_path: Path) -> None:
    write(tmp_path, "mine.txt", "my role prompt")
    roles = {
        "mine": {"prompt_path": "mine.txt", "role_args": "--quick"},
        "upstream": {"prompt_path": "systemprompts/clink/default_planner.txt"},
    }
    path = write(tmp_path, "claude.json", {"name": "claude", "command": "claude", "roles": roles})
    claude = load_cli_clients(path, user_dirs=()).get("claude")
    assert claude is not None
    assert claude.role("mine").prompt() == "my role prompt" and claude.role("mine").role_args == ("--quick",)
    assert claude.role("upstream").prompt_path == BUILTIN_PROMPTS_DIR / "default_planner.txt"
    assert claude.role(None).name == "default"
    with pytest.raises(KeyError, match="role 'nope' is not configured for CLI 'claude'; available roles"):
        claude.role("nope")


def test_working_dir_and_output_file_settings_are_kept(tmp_path: Path) -> None:
    config = {
        "name": "gemini",
        "command": "gemini",
        "working_dir": "work",
        "output_to_file": {"flag_template": "--out {path}", "cleanup": False},
    }
    gemini = load_cli_clients(write(tmp_path, "g.json", config), user_dirs=()).get("gemini")
    assert gemini is not None
    assert gemini.working_dir == (tmp_path / "work").resolve()
    assert gemini.output_flag_template == "--out {path}" and gemini.output_cleanup is False


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ("[1, 2]", "must hold one JSON object per CLI"),
        ({"name": "aider", "command": "aider"}, "CLI 'aider' is not supported; name one of claude, codex"),
        ({"name": "codex"}, "command: Field required"),
        ({"name": "codex", "command": "codex", "timeout_seconds": 0}, "timeout_seconds"),
        ({"name": "codex", "command": "codex", "argz": []}, "argz: Extra inputs are not permitted"),
        ({"name": "codex", "command": "codex 'unclosed"}, "No closing quotation"),
        (
            {"name": "codex", "command": "codex", "roles": {"r": {"prompt_path": "missing.txt"}}},
            "role 'r': prompt file",
        ),
    ],
)
def test_a_broken_file_is_refused_naming_the_file(tmp_path: Path, content: Any, message: str) -> None:
    path = write(tmp_path, "bad.json", content)
    with pytest.raises(ConfigurationError, match=message) as info:
        load_cli_clients(path, user_dirs=())
    assert str(path) in str(info.value)


def test_an_env_path_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"CLI_CLIENTS_CONFIG_PATH=.* is neither a JSON file nor"):
        load_cli_clients(tmp_path / "nowhere", user_dirs=())


def test_empty_files_are_skipped(tmp_path: Path) -> None:
    write(tmp_path, "empty.json", "  ")
    write(tmp_path, "blank.json", "{}")
    assert load_cli_clients(tmp_path, user_dirs=()).names() == ["claude", "codex", "gemini"]
