"""The fake CLI's main: check the arguments, read the prompt, play the mode (see the package doc)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence

from fakes.agent_cli.formats import FORMATS, CliFormat, reply_marker

MODE_LINE = re.compile(r"^FAKE-CLI-MODE:\s*([a-z-]+)\s*$", re.MULTILINE)
ANSWER_FILE_FLAG = "--answer-file"
REQUEST = re.compile(r"=== USER REQUEST ===\n(.*?)(?:\n\n=== |\n\nAnswer below|\Z)", re.DOTALL)


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _answer_text(cli: str, prompt: str, argv: Sequence[str]) -> str:
    request = REQUEST.search(prompt)
    shown = [a if len(a) < 200 else f"<{len(a)} characters>" for a in argv]
    return "\n".join(
        [
            reply_marker(cli, prompt),
            f"request: {(request.group(1) if request else prompt)[:200]}",
            f"argv: {json.dumps(shown)}",
            f"cwd: {os.getcwd()}",
            "<SUMMARY>fake answer</SUMMARY>",
        ]
    )


def _success(fmt: CliFormat, prompt: str, argv: Sequence[str]) -> int:
    answer = fmt.answer(_answer_text(fmt.name, prompt, argv), prompt)
    if ANSWER_FILE_FLAG in argv:  # the answer goes to the named file instead of stdout
        with open(argv[list(argv).index(ANSWER_FILE_FLAG) + 1], "w") as out:
            out.write(answer)
    else:
        _write(answer)
    return 0


def _slow(fmt: CliFormat, prompt: str, argv: Sequence[str]) -> int:
    time.sleep(float(os.environ.get("ZEN_FAKE_CLI_DELAY_S", "3")))
    return _success(fmt, prompt, argv)


def _huge(fmt: CliFormat, prompt: str, argv: Sequence[str], *, summary: bool) -> int:
    size = int(os.environ.get("ZEN_FAKE_CLI_HUGE_CHARS", "200000"))
    head = _answer_text(fmt.name, prompt, argv).replace("<SUMMARY>fake answer</SUMMARY>", "")
    tail = "\n<SUMMARY>the short version of a very long fake answer</SUMMARY>" if summary else ""
    filler = "lorem ipsum " * (max(0, size - len(head) - len(tail)) // 12 + 1)
    _write(fmt.answer(head + filler[: max(0, size - len(head) - len(tail))] + tail, prompt))
    return 0


def _flood(fmt: CliFormat, prompt: str, argv: Sequence[str]) -> int:
    block = "x" * 65536
    while True:  # until the reader stops us
        _write(block)


def _crash(fmt: CliFormat, prompt: str, argv: Sequence[str]) -> int:
    _write('{"type": "res')
    sys.stderr.write(f"fatal: {fmt.name} fake crashed while answering\n")
    return 3


def _abort(fmt: CliFormat, prompt: str, argv: Sequence[str]) -> int:
    os.kill(os.getpid(), signal.SIGABRT)
    return 134  # not reached


def _error(fmt: CliFormat, prompt: str, argv: Sequence[str]) -> int:
    _write(fmt.failure(f"{fmt.name} fake could not complete the task"))
    return 1


def _garbage(fmt: CliFormat, prompt: str, argv: Sequence[str]) -> int:
    _write("Here is my answer in prose, which is not the format you asked for.\n")
    return 0


def _hang(fmt: CliFormat, prompt: str, argv: Sequence[str]) -> int:
    # A child in the same process group that outlives us unless the whole group is killed.
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"])
    pidfile = os.environ.get("ZEN_FAKE_CLI_PIDFILE")
    if pidfile:
        with open(pidfile, "w") as out:
            out.write(f"{os.getpid()} {child.pid}\n")
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    while True:
        time.sleep(3600)


def _env(fmt: CliFormat, prompt: str, argv: Sequence[str]) -> int:
    names = " ".join(sorted(os.environ))
    _write(fmt.answer(f"{reply_marker(fmt.name, prompt)}\nenv: {names}", prompt))
    return 0


Mode = Callable[[CliFormat, str, Sequence[str]], int]
MODES: dict[str, Mode] = {
    "success": _success,
    "slow": _slow,
    "huge": lambda f, p, a: _huge(f, p, a, summary=True),
    "huge-nosummary": lambda f, p, a: _huge(f, p, a, summary=False),
    "flood": _flood,
    "crash": _crash,
    "abort": _abort,
    "error": _error,
    "garbage": _garbage,
    "hang": _hang,
    "env": _env,
}


def main(argv: Sequence[str]) -> int:
    if not argv or argv[0] not in FORMATS:
        sys.stderr.write(f"usage: python -m fakes.agent_cli {{{','.join(FORMATS)}}} ARGS... < prompt\n")
        return 2
    fmt, args = FORMATS[argv[0]], list(argv[1:])
    missing = fmt.missing_flags(args)
    if missing:
        sys.stderr.write(f"{fmt.name}: expected {', '.join(missing)} for machine-readable output\n")
        return 2
    prompt = sys.stdin.read()
    # The newest directive wins: a continued conversation repeats earlier requests.
    found = MODE_LINE.findall(prompt)
    mode = found[-1] if found else os.environ.get("ZEN_FAKE_CLI_MODE", "success")
    log = os.environ.get("ZEN_FAKE_CLI_LOG")
    if log:  # one line per run, so a test can count what was started
        with open(log, "a") as out:
            out.write(f"{fmt.name} {mode}\n")
    if mode not in MODES:
        sys.stderr.write(f"{fmt.name} fake: unknown mode {mode!r}; choose from {', '.join(MODES)}\n")
        return 2
    return MODES[mode](fmt, prompt, [fmt.name, *args])


__all__ = ["MODES", "main"]
