"""The clink tool: hand a request to an external AI CLI (claude, codex, gemini) and return its answer.

The CLIs, their arguments and their roles come from configuration (``zen_server.clink``);
the client picks one by ``cli_name`` and ``role``. Before anything runs, every argument is
checked: an unknown CLI or role, a path that is relative, missing or outside the allowed
roots, and shell metacharacters in a name or path are refused with a message saying what
to send, and nothing starts. The request, the conversation so far and the file references
go to the CLI on stdin; the CLI reads the files itself. Its answer is recorded in the
conversation like any tool's, so ``continuation_id`` works across clink and the other tools.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from zen_server.clink import (
    KILL_GRACE_S,
    CliClient,
    CliClients,
    CliRole,
    fit_answer,
    load_cli_clients,
    run_cli,
)
from zen_server.config import Settings
from zen_server.conversation.exchange import ExchangeDraft
from zen_server.conversation.history import build_history, conversation_files
from zen_server.conversation.types import Thread
from zen_server.errors import ToolInputError
from zen_server.files import FileAccess
from zen_server.observability.redaction import Redactor
from zen_server.resilience.deadline import remaining
from zen_server.tools.base import Tool, ToolContext, ToolResult
from zen_server.tools.catalog_view import CatalogView
from zen_server.tools.files import take_prompt_file
from zen_server.tools.request_context import ensure_room_for_exchange
from zen_server.tools.schema import continuation_field, string_array_field

# Characters a shell gives meaning to; none belongs in a CLI name, role name or file path an
# agent may paste into a command line.
SHELL_METACHARACTERS = frozenset(";|&$`<>'\"\\\n\r\x00")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
HISTORY_TOKEN_BUDGET = 60_000
# Seconds kept back from the deadline so a CLI that overruns is stopped by the runner (a
# SIGTERM grace, then SIGKILL and reaping), with its explanation, before the deadline
# cancels the call.
DEADLINE_MARGIN_S = 2 * KILL_GRACE_S + 1.0
AGENT_NOTE = (
    "You are answering another AI agent through its MCP server. Use your own tools to read files, "
    "search and run read-only commands; do not ask that agent to do it for you."
)


def refuse_shell_metacharacters(field: str, value: str) -> None:
    bad = sorted({repr(c) for c in value if c in SHELL_METACHARACTERS})
    if bad:
        raise ToolInputError(
            f"clink: {field} {value!r} contains shell metacharacters ({', '.join(bad)}); send a plain "
            "name or an absolute path without them. Nothing was run."
        )


class ClinkTool(Tool):
    name: ClassVar[str] = "clink"
    title: ClassVar[str] = "CLI link"
    description: ClassVar[str] = (
        "Hand a request to an external AI command-line agent (claude, codex or gemini: see cli_name) "
        "with a role (default, planner, codereviewer) and return its answer. Use it when the user asks "
        "for that CLI, or for an independent review or plan from another agent that can read the code "
        "itself. Share files by absolute path."
    )
    requires_model: ClassVar[bool] = False

    def __init__(self) -> None:
        self._loaded: tuple[Path | None, CliClients] | None = None

    def clients(self, settings: Settings) -> CliClients:
        """The configured CLIs, read once per configuration path (ConfigurationError if broken)."""
        source = settings.cli_clients_config_path
        if self._loaded is None or self._loaded[0] != source:
            self._loaded = (source, load_cli_clients(source))
        return self._loaded[1]

    def check_configuration(self, settings: Settings) -> None:
        self.clients(settings)

    def input_schema(self, catalog: CatalogView, settings: Settings) -> dict[str, Any]:
        clients = self.clients(settings)
        names = clients.names()
        roles = clients.all_roles() or ["default"]
        per_cli = "; ".join(f"{n}: {', '.join(sorted(clients.clients[n.lower()].roles))}" for n in names)
        return {
            "type": "object",
            "properties": {
                "prompt": {
                    "type": "string",
                    "description": "The request for the CLI; earlier turns of the conversation are added.",
                },
                "cli_name": {
                    "type": "string",
                    "enum": names,
                    "description": f"The CLI to run. Configured: {', '.join(names)}.",
                },
                "role": {
                    "type": "string",
                    "enum": roles,
                    "description": f"Role preset, 'default' when omitted. Roles per CLI: {per_cli}.",
                },
                "absolute_file_paths": string_array_field(
                    "Absolute paths of files or folders the CLI should look at; it reads them itself."
                ),
                "images": string_array_field("Absolute paths of images the CLI should look at."),
                "continuation_id": continuation_field(),
            },
            "required": ["prompt", "cli_name"] if len(names) > 1 else ["prompt"],
            "additionalProperties": False,
        }

    async def run(self, arguments: Mapping[str, Any], ctx: ToolContext) -> ToolResult:
        settings = ctx.settings
        args = arguments  # validated by the executor against input_schema
        client, role = self._choose(args, self.clients(settings))
        files = await self._paths(args.get("absolute_file_paths") or [], "absolute_file_paths", ctx.files)
        images = await self._paths(args.get("images") or [], "images", ctx.files)
        prompt: str = args["prompt"]
        prompt_from_file, files = await take_prompt_file(files, ctx.files)
        if prompt_from_file is not None:
            prompt = prompt_from_file
        continuation_id: str | None = args.get("continuation_id") or None
        thread = await ctx.conversation.load(continuation_id) if continuation_id else None
        ensure_room_for_exchange(thread, settings)

        system_prompt = role.prompt()
        in_argument = client.kind.system_prompt_flag is not None
        stdin_text = compose_cli_prompt(
            prompt,
            files=files,
            images=images,
            thread=thread,
            max_turns=settings.max_conversation_turns,
            role_prompt=None if in_argument else system_prompt,
        )
        budget = min(float(client.timeout_s), remaining() - DEADLINE_MARGIN_S)
        redactor = Redactor(settings.secrets())
        await ctx.report_progress(0, None, f"running {client.name} ({role.name})")
        run = await run_cli(
            client,
            role,
            stdin_text,
            system_prompt=system_prompt if in_argument else None,
            timeout_s=max(budget, 0.1),
            max_output_bytes=settings.zen_clink_max_output_bytes,
            redact=redactor.redact,
        )
        content, limit_facts = fit_answer(client.name, run.answer.text)
        metadata: dict[str, Any] = {
            "tool_name": self.name,
            "cli_name": client.name,
            "role": role.name,
            # An operator may have put a key among the configured arguments.
            "command": [redactor.redact(part) for part in run.command],
            "duration_seconds": round(run.duration_s, 3),
            "parser": client.kind.parser,
            "return_code": run.returncode,
            **({"model_used": run.answer.model} if run.answer.model else {}),
            "usage": {"input_tokens": run.answer.input_tokens, "output_tokens": run.answer.output_tokens},
            **run.answer.facts,
            **limit_facts,
        }
        return ToolResult(
            content=content,
            metadata=metadata,
            exchange=ExchangeDraft(
                user_content=prompt, assistant_content=content, files=tuple(files), images=tuple(images)
            ),
            continuation_id=continuation_id,
        )

    @staticmethod
    def _choose(args: Mapping[str, Any], clients: CliClients) -> tuple[CliClient, CliRole]:
        requested = args.get("cli_name") or clients.default_name() or ""
        refuse_shell_metacharacters("cli_name", requested)
        role_name = args.get("role") or "default"
        refuse_shell_metacharacters("role", role_name)
        if not _NAME.match(requested) or (client := clients.get(requested)) is None:
            raise ToolInputError(
                f"clink: CLI {requested!r} is not configured; use one of {', '.join(clients.names())}. "
                "Nothing was run."
            )
        try:
            return client, client.role(role_name)
        except KeyError as exc:
            raise ToolInputError(f"clink: {exc.args[0]}. Nothing was run.") from None

    @staticmethod
    async def _paths(raw: Sequence[str], field: str, access: FileAccess) -> list[str]:
        """Paths the CLI will read itself, under the same file policy as every other tool."""
        checked: list[str] = []
        for value in raw:
            if value.startswith("data:"):
                raise ToolInputError(
                    f"clink: {field} takes file paths, not data: URLs; save the image to a file and send "
                    "its absolute path. Nothing was run."
                )
            refuse_shell_metacharacters(field, value)
            if field == "images":
                await access.check_image(value, field=field)
            checked.append(str(await access.check(value, field=field)))
        return checked


def compose_cli_prompt(
    prompt: str,
    *,
    files: Sequence[str],
    images: Sequence[str],
    thread: Thread | None,
    max_turns: int,
    role_prompt: str | None,
) -> str:
    """What the CLI reads on stdin: role, note, history, request, file references."""
    sections: list[str] = []
    if role_prompt and role_prompt.strip():
        sections.append(role_prompt.strip())
    sections.append(AGENT_NOTE)
    earlier: list[str] = []
    if thread is not None:
        history = build_history(thread, token_budget=HISTORY_TOKEN_BUDGET, max_turns=max_turns)
        if history.text:
            sections.append(history.text)
        earlier = [f for f in conversation_files(thread.turns) if f not in files]
    sections.append("=== USER REQUEST ===\n" + prompt.strip())
    references = [*_references(files), *_references(earlier, note="shared earlier")]
    if references:
        sections.append("=== FILES TO READ ===\n" + "\n".join(references))
    if images:
        sections.append("=== IMAGES ===\n" + "\n".join(f"- {p}" for p in images))
    sections.append("Answer below, using your own tools as needed:")
    return "\n\n".join(sections)


def _references(paths: Sequence[str], *, note: str = "") -> list[str]:
    lines = []
    for path in paths:
        try:
            stat = Path(path).stat()
            when = datetime.fromtimestamp(stat.st_mtime, tz=UTC).isoformat(timespec="seconds")
            facts = f"modified {when}, {stat.st_size} bytes" + (f", {note}" if note else "")
        except OSError:
            facts = "no longer readable"
        lines.append(f"- {path} ({facts})")
    return lines


__all__ = ["SHELL_METACHARACTERS", "ClinkTool", "compose_cli_prompt", "refuse_shell_metacharacters"]
