"""Fake AI command-line agents (claude, codex, gemini) for clink: same arguments, same output.

    python -m fakes.agent_cli claude --print --output-format json [...]   < prompt
    python -m fakes.agent_cli codex exec --json [...]                      < prompt
    python -m fakes.agent_cli gemini -o json [...]                         < prompt

The first argument says which CLI to play; the rest are the arguments the real CLI would
get, and the fake refuses (exit 2, a usage message on stderr) when the ones that select
machine output are missing, as the real CLI would print prose instead. The prompt is read
from stdin. What happens next is the *mode*: ``ZEN_FAKE_CLI_MODE``, or a line
``FAKE-CLI-MODE: <mode>`` in the prompt (so one server can exercise every mode):

    success          answer at once (the default)
    slow             answer after ZEN_FAKE_CLI_DELAY_S seconds (default 3)
    huge             an answer of ZEN_FAKE_CLI_HUGE_CHARS characters (default 200000) ending
                     in a <SUMMARY> section; ``huge-nosummary`` without one
    flood            write to stdout without end (a runaway)
    crash            some output, a message on stderr, exit status 3
    abort            die by SIGABRT
    error            the CLI's own failure report (is_error / error event), exit status 1
    garbage          exit 0 with output that is not the CLI's format
    hang             start a child that sleeps, write its pid to ZEN_FAKE_CLI_PIDFILE, ignore
                     SIGTERM and never answer: only killing the process group ends it
    env              answer with the names of the environment variables it can see

With ZEN_FAKE_CLI_LOG set, each run appends ``<cli> <mode>`` to that file.
With ``--answer-file PATH`` among its arguments the fake writes a successful answer to that
file and nothing to stdout, like CLIs configured with ``output_to_file``.

Every answer starts ``FAKE-CLI-REPLY cli=<name> digest=<12 hex of stdin>`` so a test can
tell exactly what the server sent (see :func:`fakes.agent_cli.formats.stdin_digest`).
"""

from fakes.agent_cli.formats import CLI_NAMES, reply_marker, stdin_digest
from fakes.agent_cli.main import MODES, main

__all__ = ["CLI_NAMES", "MODES", "main", "reply_marker", "stdin_digest"]
