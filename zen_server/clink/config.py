"""clink's client configuration: which CLIs exist, how to run each, and their roles.

The file format is the upstream's (one JSON object per CLI), so a configuration written
for Zen or PAL MCP Server works here unchanged::

    {"name": "codex", "command": "codex", "additional_args": ["--json"], "env": {},
     "timeout_seconds": 1800, "working_dir": null,
     "roles": {"default": {"prompt_path": "systemprompts/clink/default.txt", "role_args": []}},
     "output_to_file": {"flag_template": "--output {path}", "cleanup": true}}

Files are read in this order, a later file replacing an earlier one of the same name: the
built-in ``clients/`` folder, CLI_CLIENTS_CONFIG_PATH (a file or a folder), then the user
folders ``~/.zen/cli_clients`` and ``~/.pal/cli_clients``. ``name`` picks the runner and the
output parser (claude, codex or gemini). A role's ``prompt_path`` is absolute, relative to
its file, or one of the upstream's built-in prompt names (``systemprompts/clink/*.txt``),
which map to ours. Anything wrong raises ConfigurationError naming the file and the field:
the server refuses to start rather than run a CLI it half understands.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, ValidationError, field_validator

from zen_server.errors import ConfigurationError

BUILTIN_CLIENTS_DIR = Path(__file__).with_name("clients")
BUILTIN_PROMPTS_DIR = Path(__file__).with_name("prompts")
# Where the upstream's configurations point for their built-in role prompts.
UPSTREAM_PROMPTS_PREFIX = "systemprompts/clink/"
USER_CONFIG_DIRS = (Path("~/.zen/cli_clients"), Path("~/.pal/cli_clients"))
DEFAULT_TIMEOUT_S = 1800
CONFIG_ENV = "CLI_CLIENTS_CONFIG_PATH"


@dataclass(frozen=True, slots=True)
class CliKind:
    """What the CLI's name decides: the arguments it always gets, its parser, its own env."""

    parser: str
    internal_args: tuple[str, ...]
    # Prefixes of the vendor's own variables this CLI may see (its key), and no other's.
    env_prefixes: tuple[str, ...]
    # Whether the role prompt goes in an argument (claude) rather than at the top of stdin.
    system_prompt_flag: str | None = None


CLI_KINDS: dict[str, CliKind] = {
    "claude": CliKind(
        "claude_json",
        ("--print", "--output-format", "json"),
        ("ANTHROPIC_", "CLAUDE_"),
        system_prompt_flag="--append-system-prompt",
    ),
    "codex": CliKind("codex_jsonl", ("exec",), ("OPENAI_", "CODEX_")),
    "gemini": CliKind("gemini_json", ("-o", "json"), ("GEMINI_", "GOOGLE_")),
}


def _string_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
        return [str(item) for item in value]
    raise ValueError("must be a list of strings or a single string")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RoleFile(_Strict):
    prompt_path: str | None = None
    role_args: list[str] = Field(default_factory=list)
    description: str | None = None

    @field_validator("role_args", mode="before")
    @classmethod
    def _args(cls, value: Any) -> list[str]:
        return _string_list(value)


class OutputToFile(_Strict):
    flag_template: str
    cleanup: bool = True


class ClientFile(_Strict):
    name: str = Field(min_length=1)
    command: str = Field(min_length=1)
    working_dir: str | None = None
    additional_args: list[str] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict)
    timeout_seconds: PositiveInt | None = None
    roles: dict[str, RoleFile] = Field(default_factory=dict)
    output_to_file: OutputToFile | None = None

    @field_validator("additional_args", mode="before")
    @classmethod
    def _args(cls, value: Any) -> list[str]:
        return _string_list(value)


@dataclass(frozen=True, slots=True)
class CliRole:
    name: str
    prompt_path: Path
    role_args: tuple[str, ...] = ()
    description: str | None = None

    def prompt(self) -> str:
        return self.prompt_path.read_text(encoding="utf-8")


@dataclass(frozen=True, slots=True)
class CliClient:
    """One runnable CLI: argv pieces in order, environment additions, limits, roles."""

    name: str
    kind: CliKind
    executable: tuple[str, ...]
    config_args: tuple[str, ...]
    env: dict[str, str]
    timeout_s: int
    roles: dict[str, CliRole]
    source: Path
    working_dir: Path | None = None
    output_flag_template: str | None = None
    output_cleanup: bool = True

    def role(self, name: str | None) -> CliRole:
        """The role called ``name`` (None: "default"); KeyError naming the roles there are."""
        key = name or "default"
        if key not in self.roles:
            raise KeyError(
                f"role '{key}' is not configured for CLI '{self.name}'; available roles: "
                f"{', '.join(sorted(self.roles))}"
            )
        return self.roles[key]


@dataclass(frozen=True, slots=True)
class CliClients:
    """Every configured CLI by lower-case name, and where each came from."""

    clients: dict[str, CliClient] = field(default_factory=dict)

    def names(self) -> list[str]:
        return sorted(client.name for client in self.clients.values())

    def get(self, name: str) -> CliClient | None:
        return self.clients.get(name.lower())

    def all_roles(self) -> list[str]:
        return sorted({role for client in self.clients.values() for role in client.roles})

    def default_name(self) -> str | None:
        """The CLI used when none is named: gemini when configured (as upstream), else the first."""
        names = self.names()
        return "gemini" if "gemini" in names else (names[0] if names else None)


def config_sources(env_path: Path | None, user_dirs: Sequence[Path] = USER_CONFIG_DIRS) -> list[Path]:
    """The folders and files to read, in order (missing ones are skipped when read)."""
    sources = [BUILTIN_CLIENTS_DIR]
    if env_path is not None:
        sources.append(env_path.expanduser())
    sources += [d.expanduser() for d in user_dirs]
    return sources


def _config_files(sources: Iterable[Path], env_path: Path | None) -> Iterator[Path]:
    for source in sources:
        if source.is_file():
            yield source
        elif source.is_dir():
            yield from sorted(p for p in source.glob("*.json") if p.is_file())
        elif env_path is not None and source == env_path.expanduser():
            raise ConfigurationError(f"{CONFIG_ENV}={env_path} is neither a JSON file nor a folder")


def load_cli_clients(env_path: Path | None, user_dirs: Sequence[Path] = USER_CONFIG_DIRS) -> CliClients:
    """Read every configuration file; raise ConfigurationError naming the file at fault."""
    clients: dict[str, CliClient] = {}
    for path in _config_files(config_sources(env_path, user_dirs), env_path):
        raw = _read(path)
        if raw is None:
            continue
        client = _resolve(_parse(raw, path), path)
        clients[client.name.lower()] = client
    if not clients:
        raise ConfigurationError(f"no clink CLI is configured; set {CONFIG_ENV} to a client JSON file")
    return CliClients(clients)


def _read(path: Path) -> dict[str, Any] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"clink configuration {path}: cannot read it ({exc.strerror})") from exc
    if not text.strip():
        return None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ConfigurationError(f"clink configuration {path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigurationError(f"clink configuration {path} must hold one JSON object per CLI")
    return data or None


def _parse(raw: dict[str, Any], path: Path) -> ClientFile:
    try:
        return ClientFile.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(file)'}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigurationError(f"clink configuration {path}: {problems}") from exc


def _resolve(raw: ClientFile, path: Path) -> CliClient:
    name = raw.name.strip()
    kind = CLI_KINDS.get(name.lower())
    if kind is None:
        raise ConfigurationError(
            f"clink configuration {path}: CLI '{name}' is not supported; name one of "
            f"{', '.join(sorted(CLI_KINDS))} (the name decides how its output is read)"
        )
    try:
        executable = tuple(shlex.split(raw.command))
    except ValueError as exc:
        raise ConfigurationError(f"clink configuration {path}: command {raw.command!r}: {exc}") from exc
    roles = {role: _resolve_role(role, spec, path) for role, spec in raw.roles.items()}
    if "default" not in roles:
        roles["default"] = CliRole("default", _builtin_prompt("default.txt"))
    return CliClient(
        name=name,
        kind=kind,
        executable=executable,
        config_args=tuple(raw.additional_args),
        env=dict(raw.env),
        timeout_s=raw.timeout_seconds or DEFAULT_TIMEOUT_S,
        roles=roles,
        source=path,
        working_dir=_relative_to(raw.working_dir, path.parent) if raw.working_dir else None,
        output_flag_template=raw.output_to_file.flag_template if raw.output_to_file else None,
        output_cleanup=raw.output_to_file.cleanup if raw.output_to_file else True,
    )


def _resolve_role(name: str, spec: RoleFile, path: Path) -> CliRole:
    prompt = _prompt_path(spec.prompt_path, path) if spec.prompt_path else _builtin_prompt("default.txt")
    if not prompt.is_file():
        raise ConfigurationError(f"clink configuration {path}: role '{name}': prompt file {prompt} not found")
    return CliRole(name, prompt, tuple(spec.role_args), spec.description)


def _prompt_path(raw: str, path: Path) -> Path:
    beside = _relative_to(raw, path.parent)
    if beside.is_file() or Path(raw).is_absolute():
        return beside
    if raw.startswith(UPSTREAM_PROMPTS_PREFIX):
        return _builtin_prompt(raw[len(UPSTREAM_PROMPTS_PREFIX) :])
    return beside


def _builtin_prompt(name: str) -> Path:
    return BUILTIN_PROMPTS_DIR / Path(name).name


def _relative_to(raw: str, base: Path) -> Path:
    candidate = Path(raw).expanduser()
    return candidate if candidate.is_absolute() else (base / candidate).resolve()


__all__ = [
    "CLI_KINDS",
    "CONFIG_ENV",
    "CliClient",
    "CliClients",
    "CliKind",
    "CliRole",
    "config_sources",
    "load_cli_clients",
]
