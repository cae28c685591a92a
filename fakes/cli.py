"""`zen-fakes` / `python -m fakes`: run fake providers from the command line.

    zen-fakes serve --provider openai --port 8001 [--provider gemini --port 8002]
                    [--host 127.0.0.1] [--seed 7] [--behaviour fakes.yaml]
    zen-fakes check --behaviour fakes.yaml        validate a behaviour file and exit

`--provider` and `--port` repeat in pairs: one process serves several fakes. Once every
fake is bound the process prints one line per fake to stdout:
    zen-fakes: <provider> listening on http://<host>:<port> (seed <seed>)
It stops cleanly on SIGINT/SIGTERM. Bad arguments exit with status 2 and say what is wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Sequence

from fakes._errors import FakesError
from fakes.server import ListenSpec, serve_until
from fakes.spec import PROVIDERS, BehaviourFile, load_behaviour_file
from fakes.wire import WireServer


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"port must be a whole number, got {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 0 and 65535, got {port}")
    return port


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zen-fakes", description="Fake OpenAI, Gemini and Jules APIs with faults."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve one or more fake providers")
    serve.add_argument("--provider", action="append", choices=PROVIDERS, required=True, help="repeatable")
    serve.add_argument(
        "--port", action="append", type=_port, required=True, help="one per --provider; 0 = any"
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument(
        "--seed", type=int, default=None, help="overrides the behaviour file's seed (default 0)"
    )
    serve.add_argument("--behaviour", "--behavior", dest="behaviour", help="YAML or JSON behaviour file")
    check = commands.add_parser("check", help="validate a behaviour file")
    check.add_argument("--behaviour", "--behavior", dest="behaviour", required=True)
    return parser


def listen_specs(args: argparse.Namespace, behaviour: BehaviourFile) -> list[ListenSpec]:
    """Pair each --provider with its --port; a CLI error when they do not pair up."""
    if len(args.provider) != len(args.port):
        raise FakesError(
            f"give one --port per --provider: got {len(args.provider)} providers, {len(args.port)} ports"
        )
    nonzero = [port for port in args.port if port]
    if len(set(nonzero)) != len(nonzero):
        raise FakesError(f"each fake needs its own port; got {args.port}")
    seed = args.seed if args.seed is not None else (behaviour.seed or 0)
    return [
        ListenSpec(provider, port, args.host, seed, behaviour.for_provider(provider))
        for provider, port in zip(args.provider, args.port, strict=True)
    ]


def _announce(servers: list[WireServer]) -> None:
    for server in servers:
        engine = server.engine
        print(f"zen-fakes: {engine.provider} listening on {server.base_url} (seed {engine.seed})", flush=True)


async def _serve(specs: list[ListenSpec]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await serve_until(specs, stop, _announce)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        behaviour = load_behaviour_file(args.behaviour) if args.behaviour else BehaviourFile()
        if args.command == "check":
            print(
                f"zen-fakes: {args.behaviour} is valid ({', '.join(behaviour.providers) or 'no providers'})"
            )
            return 0
        asyncio.run(_serve(listen_specs(args, behaviour)))
    except FakesError as exc:
        parser.exit(2, f"zen-fakes: error: {exc}\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
