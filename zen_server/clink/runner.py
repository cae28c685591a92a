"""Running one CLI: no shell, its own process group, a timeout, bounded output.

Semantics, each pinned by a test:

* the command is an argv list (``create_subprocess_exec``), never a shell line; the prompt
  travels on stdin, so nothing the client sends becomes an argument;
* the CLI starts in a new session, so it leads its own process group; whatever it spawns
  is in that group, and the group is what gets stopped;
* ``timeout_s`` bounds the whole run: on expiry the group gets SIGTERM, then SIGKILL after
  :data:`KILL_GRACE_S`; cancellation (the call's deadline, a client cancel) kills the group
  at once; after a normal exit the group is killed too, so nothing the CLI left running
  outlives the call;
* stdout and stderr are read as they come, each bounded by ``max_output_bytes``; a CLI
  that writes more is stopped and the run fails (a runaway, not an answer);
* the CLI runs in a fresh scratch folder unless its configuration names ``working_dir``.

Failures raise :class:`~zen_server.errors.CliAgentError` naming the CLI and what to do.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zen_server.clink.config import CliClient, CliRole
from zen_server.clink.environment import cli_environment
from zen_server.clink.parsers import PARSERS, CliAnswer, UnreadableOutput
from zen_server.errors import CliAgentError

KILL_GRACE_S = 2.0
READ_CHUNK = 64 * 1024
STDERR_SHOWN = 1500
SYSTEM_PROMPT_SHOWN = "<role prompt>"


@dataclass(frozen=True, slots=True)
class CliRun:
    """A finished run: the answer and the facts worth reporting."""

    answer: CliAnswer
    command: tuple[str, ...]  # as run, with the role prompt argument elided
    returncode: int
    duration_s: float
    stderr: str


class _Overflow(Exception):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.stream = stream


def build_argv(client: CliClient, role: CliRole, system_prompt: str | None) -> list[str]:
    """The argv, in upstream's order: command, built-in args, configured args, role prompt, role args."""
    argv = [*client.executable, *client.kind.internal_args, *client.config_args]
    flag = client.kind.system_prompt_flag
    if flag and system_prompt and flag not in client.config_args:
        argv += [flag, system_prompt]
    return [*argv, *role.role_args]


def shown_command(argv: list[str], system_prompt: str | None) -> tuple[str, ...]:
    return tuple(SYSTEM_PROMPT_SHOWN if system_prompt and a == system_prompt else a for a in argv)


async def run_cli(
    client: CliClient,
    role: CliRole,
    prompt: str,
    *,
    system_prompt: str | None,
    timeout_s: float,
    max_output_bytes: int,
    server_env: Mapping[str, str] | None = None,
    redact: Callable[[str], str] = lambda text: text,
) -> CliRun:
    """Run ``client`` with ``prompt`` on stdin and parse its answer; CliAgentError on failure."""
    source_env = os.environ if server_env is None else server_env
    env = cli_environment(source_env, client.kind.env_prefixes, client.env)
    argv = build_argv(client, role, system_prompt)
    resolved = shutil.which(argv[0], path=env.get("PATH"))
    if resolved is None:
        raise CliAgentError(
            f"CLI '{client.name}': executable '{argv[0]}' was not found on PATH; install it, or set "
            f"'command' in {client.source}",
            cli=client.name,
        )
    argv[0] = resolved
    with contextlib.ExitStack() as stack:
        cwd = client.working_dir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="clink-")))
        output_file = _output_file(client, argv, stack)
        started = time.monotonic()
        try:
            process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                cwd=cwd,
                env=env,
                start_new_session=True,
            )
        except OSError as exc:
            raise CliAgentError(
                f"CLI '{client.name}' could not start ({exc.strerror or exc}); check 'command' and "
                f"'working_dir' in {client.source}",
                cli=client.name,
            ) from exc
        stdout, stderr = await _communicate(client, process, prompt, timeout_s, max_output_bytes)
        duration = time.monotonic() - started
        if output_file is not None and not stdout.strip() and output_file.is_file():
            stdout = output_file.read_text(encoding="utf-8", errors="replace")
    returncode = process.returncode if process.returncode is not None else -1
    answer = _answer(client, returncode, stdout, redact(stderr))
    return CliRun(answer, shown_command(argv, system_prompt), returncode, duration, redact(stderr))


def _output_file(client: CliClient, argv: list[str], stack: contextlib.ExitStack) -> Path | None:
    """Some CLIs write their answer to a file named by a flag; read it when stdout is empty."""
    if client.output_flag_template is None:
        return None
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="clink-out-")))
    path = folder / "output.json"
    argv += shlex.split(client.output_flag_template.format(path=str(path)))
    return path


async def _communicate(
    client: CliClient, process: asyncio.subprocess.Process, prompt: str, timeout_s: float, limit: int
) -> tuple[str, str]:
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    # Tasks, not a bare gather: once one part fails the gather is done but the others run on,
    # and a reader left running would race _settled's drain for the same pipe.
    stdout = asyncio.ensure_future(_read(process.stdout, limit, "stdout"))
    stderr = asyncio.ensure_future(_read(process.stderr, limit, "stderr"))
    feed = asyncio.ensure_future(_feed(process.stdin, prompt.encode("utf-8")))
    parts: list[asyncio.Future[Any]] = [feed, stdout, stderr, asyncio.ensure_future(process.wait())]
    try:
        async with asyncio.timeout(timeout_s):
            await asyncio.gather(*parts)
    except TimeoutError:
        await _cancel(parts)
        await _stop_group(process, gracefully=True)
        raise CliAgentError(
            f"CLI '{client.name}' did not finish within {timeout_s:.0f} s and was stopped with "
            "everything it started. Narrow the request, or raise the limit: 'timeout_seconds' in "
            f"{client.source}, and the call's deadline (ZEN_TOOL_DEADLINES=clink=<seconds>)",
            cli=client.name,
        ) from None
    except _Overflow as exc:
        await _cancel(parts)
        await _stop_group(process, gracefully=False)
        raise CliAgentError(
            f"CLI '{client.name}' wrote more than {limit:,} bytes to {exc.stream} and was stopped; "
            "ask for a shorter answer (ZEN_CLINK_MAX_OUTPUT_BYTES sets the limit)",
            cli=client.name,
        ) from None
    except BaseException:  # cancelled (deadline, client) or anything unexpected: nothing survives
        await _cancel(parts)
        await _stop_group(process, gracefully=False)
        raise
    # The CLI exited; anything it left behind in its group goes with it.
    _signal_group(process, signal.SIGKILL)
    out, err = stdout.result(), stderr.result()
    return out.decode("utf-8", errors="replace"), err.decode("utf-8", errors="replace")


async def _cancel(parts: Sequence[asyncio.Future[Any]]) -> None:
    """Cancel what is still running of the exchange and wait until it has stopped."""
    for part in parts:
        part.cancel()
    await asyncio.gather(*parts, return_exceptions=True)


async def _feed(stdin: asyncio.StreamWriter, data: bytes) -> None:
    try:
        stdin.write(data)
        await stdin.drain()
        stdin.close()
        await stdin.wait_closed()
    except (BrokenPipeError, ConnectionResetError):
        pass  # the CLI closed stdin early; its exit status and output tell the rest


async def _read(stream: asyncio.StreamReader, limit: int, name: str) -> bytes:
    buffer = bytearray()
    while chunk := await stream.read(READ_CHUNK):
        if len(buffer) + len(chunk) > limit:
            raise _Overflow(name)
        buffer += chunk
    return bytes(buffer)


def _signal_group(process: asyncio.subprocess.Process, signum: int) -> None:
    # The CLI leads its own session, so its pid is its group id (start_new_session=True).
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


async def _stop_group(process: asyncio.subprocess.Process, *, gracefully: bool) -> None:
    """SIGTERM then SIGKILL after the grace (or SIGKILL at once), and reap the CLI."""
    if gracefully:
        _signal_group(process, signal.SIGTERM)
        if await _settled(process):
            return
    _signal_group(process, signal.SIGKILL)
    await _settled(process)


async def _settled(process: asyncio.subprocess.Process) -> bool:
    """Whether the CLI exited and its pipes closed within the grace.

    The pipes are read to their end (and the bytes dropped): a pipe left unread keeps its
    transport open, and asyncio reaps a process only once every pipe has closed.
    """

    async def drain_and_reap() -> None:
        await asyncio.gather(*(_discard(s) for s in (process.stdout, process.stderr) if s is not None))
        await process.wait()

    try:
        await asyncio.wait_for(drain_and_reap(), KILL_GRACE_S)
    except TimeoutError:
        return False
    except Exception:  # a broken pipe while draining: nothing left to read anyway
        return process.returncode is not None
    return True


async def _discard(stream: asyncio.StreamReader) -> None:
    while await stream.read(READ_CHUNK):
        pass


def _answer(client: CliClient, returncode: int, stdout: str, stderr: str) -> CliAnswer:
    """The parsed answer, or CliAgentError saying how the CLI failed (with its stderr's tail)."""
    tail = stderr.strip()[-STDERR_SHOWN:]
    said = f"; it said: {tail}" if tail else ""
    try:
        answer = PARSERS[client.kind.parser](stdout)
    except UnreadableOutput as exc:
        if returncode < 0:
            why = f"was killed by signal {-returncode}"
        elif returncode:
            why = f"exited with status {returncode}"
        else:
            why = f"finished but its output is unreadable ({exc})"
        message = f"CLI '{client.name}' {why}{said}"
        raise CliAgentError(message, cli=client.name, returncode=returncode) from exc
    if answer.is_error:
        raise CliAgentError(
            f"CLI '{client.name}' reported a failure (exit status {returncode}): "
            f"{answer.text[:STDERR_SHOWN]}",
            cli=client.name,
            returncode=returncode,
        )
    return answer


__all__ = ["KILL_GRACE_S", "CliRun", "build_argv", "run_cli"]
