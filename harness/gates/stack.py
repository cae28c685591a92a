"""The system a gate measures: fake providers plus the HTTP MCP server wired to them.

``serving(ctx, ...)`` starts both, yields the running server (URL, pid, base URL for
/metrics), and always stops them. The server is zen_server unless the context names
another command (``--server-cmd``), which is how the gates are shown red on a fragile one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from harness.gates.errors import NotMeasured
from harness.gates.metrics.base import MeasureContext
from harness.launcher import ZEN_HTTP_COMMAND, FakeProviders, HttpServerProcess, LaunchError
from harness.load.errors import LoadError


@dataclass(frozen=True)
class Running:
    server: HttpServerProcess
    fakes: FakeProviders

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def base_url(self) -> str:
        return self.server.base_url


@contextmanager
def serving(
    ctx: MeasureContext,
    name: str,
    *,
    behaviour: Mapping[str, Any],
    providers: Sequence[str] = ("openai",),
    server_env: Mapping[str, str] | None = None,
) -> Iterator[Running]:
    """Fakes + server for one measurement; the server's log is ``<out>/logs/<name>.server.log``."""
    if ctx.baseline is not None:
        raise NotMeasured(
            f"not applicable to {ctx.baseline.label}: this measurement needs the server over HTTP "
            "(one process, its /metrics), and the baseline speaks stdio only"
        )
    log = ctx.out_dir / "logs" / f"{name}.server.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.unlink(missing_ok=True)
    try:
        with FakeProviders(behaviour, providers) as fakes:
            env = fakes.env() | dict(server_env or {})
            command = ctx.server_command or list(ZEN_HTTP_COMMAND)
            with HttpServerProcess(command, env=env, log_path=log) as server:
                yield Running(server, fakes)
    except (LaunchError, LoadError) as exc:
        raise NotMeasured(f"the server under test did not start: {exc}") from exc
