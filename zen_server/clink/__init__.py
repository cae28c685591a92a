"""clink's machinery: configured CLIs, running one safely, reading its answer.

The ``clink`` tool (``zen_server.tools.clink``) is the only user; this package knows
nothing of MCP, tools or conversations.

    config         the upstream's client file format, loaded and checked
    environment    the allowlisted environment a CLI runs with
    runner         one run: argv only, own process group, timeout, bounded output
    parsers        claude_json, codex_jsonl, gemini_json
    answer_limit   long answers reduced to their summary or an excerpt
"""

from zen_server.clink.answer_limit import MAX_ANSWER_CHARS, fit_answer
from zen_server.clink.config import CLI_KINDS, CliClient, CliClients, CliKind, CliRole, load_cli_clients
from zen_server.clink.parsers import CliAnswer, UnreadableOutput
from zen_server.clink.runner import KILL_GRACE_S, CliRun, build_argv, run_cli

__all__ = [
    "CLI_KINDS",
    "KILL_GRACE_S",
    "MAX_ANSWER_CHARS",
    "CliAnswer",
    "CliClient",
    "CliClients",
    "CliKind",
    "CliRole",
    "CliRun",
    "UnreadableOutput",
    "build_argv",
    "fit_answer",
    "load_cli_clients",
    "run_cli",
]
