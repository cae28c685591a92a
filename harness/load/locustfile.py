"""Locust users that speak MCP, and the profile's load shape. Run by ``zen-harness load``.

Locust imports this file in its own (gevent-patched) process; nothing else imports it.
The runner hands the settings over in environment variables:

- ``ZEN_LOAD_PROFILE``: the profile file (shape, tool mix, think time, timeouts);
- ``ZEN_LOAD_TIME_SCALE``: factor on every duration of the shape (short CI runs);
- ``ZEN_LOAD_SUMMARY``: where to write the run's summary JSON (tool calls only, exact
  percentiles over all tools merged; Locust's own "Aggregated" row also counts handshakes);
  With a master and workers (``--processes``), the master writes it, with a ``workers``
  list: each worker's own figures from the reports it sent (tagged with its pid);
- ``ZEN_LOAD_STDIO_COMMAND`` / ``ZEN_LOAD_STDIO_ENV``: JSON argv and env of the server each
  ``McpStdioUser`` starts for itself; ``ZEN_LOAD_WORKDIR``: the ``{workdir}`` of arguments.

``McpHttpUser`` speaks streamable HTTP to ``--host`` (the full MCP URL). Every MCP call is
one entry in Locust's statistics: request type ``MCP``, name = the tool (``[cont]`` when
it continued a thread), failures = tool errors, protocol errors, timeouts, broken transports.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from locust import LoadTestShape, User, between, events, task
from locust.env import Environment
from locust.runners import WorkerRunner
from locust.stats import RequestStats, StatsEntry

from harness.load.http_session import McpHttpSession
from harness.load.mix import ToolMixPlanner
from harness.load.profile import Profile, load_profile
from harness.load.stdio_session import McpStdioSession
from harness.load.summary import summary_of
from harness.load.wire import WireError

REQUEST_TYPE = "MCP"
RECONNECT_PAUSE_S = 1.0  # after a failed handshake, so a down server does not spin users


class ToolCallFailed(Exception):
    """What Locust records as a failure; the message starts with the outcome kind."""


def _profile() -> Profile:
    return load_profile(os.environ.get("ZEN_LOAD_PROFILE", "smoke"))


PROFILE = _profile()
TIME_SCALE = float(os.environ.get("ZEN_LOAD_TIME_SCALE", "1"))
WORKDIR = os.environ.get("ZEN_LOAD_WORKDIR", "/tmp")


class _McpUser(User):
    abstract = True
    wait_time = between(*PROFILE.wait_s)

    session: McpHttpSession | McpStdioSession | None = None

    def _open(self) -> McpHttpSession | McpStdioSession:
        raise NotImplementedError

    def on_start(self) -> None:
        self.planner = ToolMixPlanner(PROFILE.mix, workdir=WORKDIR, seed=None)
        self._connect()

    def _connect(self) -> bool:
        started = time.perf_counter()
        session: McpHttpSession | McpStdioSession | None = None
        try:
            session = self._open()
            session.initialize()
        except (WireError, OSError) as exc:
            if session is not None:
                session.close()
            self._fire(
                "initialize", started, 0, ToolCallFailed(f"{getattr(exc, 'kind', 'transport_error')}: {exc}")
            )
            time.sleep(RECONNECT_PAUSE_S)
            return False
        self.session = session
        self._fire("initialize", started, 0, None)
        return True

    def _fire(self, name: str, started: float, size: int, exception: Exception | None) -> None:
        self.environment.events.request.fire(
            request_type=REQUEST_TYPE,
            name=name,
            response_time=(time.perf_counter() - started) * 1000.0,
            response_length=size,
            exception=exception,
            context={},
        )

    @task
    def call_tool(self) -> None:
        if self.session is None and not self._connect():
            return
        assert self.session is not None
        planned = self.planner.next_call()
        name = f"{planned.tool} [cont]" if planned.continued else planned.tool
        started = time.perf_counter()
        try:
            reply = self.session.call_tool(planned.tool, planned.arguments, timeout_s=PROFILE.call_timeout_s)
        except WireError as exc:
            self._fire(name, started, 0, ToolCallFailed(f"{exc.kind}: {exc}"))
            if exc.kind == "transport_error":
                self._drop()
            return
        if reply.ok:
            self.planner.observe(reply.body())
            self._fire(name, started, reply.size, None)
        else:
            self._fire(name, started, reply.size, ToolCallFailed(f"tool_error: {reply.text[:200]}"))

    def _drop(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None

    def on_stop(self) -> None:
        self._drop()


class McpHttpUser(_McpUser):
    """A client on streamable HTTP; ``--host`` is the MCP URL, e.g. http://127.0.0.1:8080/mcp."""

    def _open(self) -> McpHttpSession:
        return McpHttpSession(self.host or "", timeout_s=PROFILE.call_timeout_s)


class McpStdioUser(_McpUser):
    """A client that starts its own server over stdio, as Claude Code does."""

    def _open(self) -> McpStdioSession:
        command: list[str] = json.loads(os.environ["ZEN_LOAD_STDIO_COMMAND"])
        env: dict[str, Any] = json.loads(os.environ.get("ZEN_LOAD_STDIO_ENV", "{}"))
        return McpStdioSession(
            command, env={k: str(v) for k, v in env.items()}, timeout_s=PROFILE.call_timeout_s
        )


class ProfileShape(LoadTestShape):
    """The profile's shape, time-scaled; returning None ends the run."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.shape = PROFILE.shape.scaled(TIME_SCALE)

    def tick(self) -> tuple[int, float] | None:
        return self.shape.tick(self.get_run_time())  # type: ignore[no-untyped-call]


# On the master: each worker's statistics, rebuilt from the reports it sent (client id -> stats).
WORKER_STATS: dict[str, RequestStats] = {}
WORKER_PIDS: dict[str, int] = {}


@events.report_to_master.add_listener  # type: ignore[untyped-decorator]
def _tag_report(client_id: str, data: dict[str, Any], **_: Any) -> None:
    data["zen_pid"] = os.getpid()  # which process made these calls


@events.worker_report.add_listener  # type: ignore[untyped-decorator]
def _keep_worker_report(client_id: str, data: dict[str, Any], **_: Any) -> None:
    stats = WORKER_STATS.setdefault(client_id, RequestStats(use_response_times_cache=False))
    if "zen_pid" in data:
        WORKER_PIDS[client_id] = int(data["zen_pid"])
    for entry_data in data.get("stats", []):
        entry = StatsEntry.unserialize(entry_data, stats)
        key = (entry.name, entry.method)
        if key not in stats.entries:
            stats.entries[key] = StatsEntry(stats, entry.name, entry.method)
        stats.entries[key].extend(entry)
    if "stats_total" in data:  # its time span, which the worker's rate is over
        stats.total.extend(StatsEntry.unserialize(data["stats_total"], stats))


def _tool_call_summary(stats: RequestStats, peak_users: int) -> dict[str, Any]:
    # Merge every tool's entry (handshakes excluded) so p95 is over all tool calls at once.
    merged = StatsEntry(stats, "tool calls", REQUEST_TYPE)
    for entry in stats.entries.values():
        if entry.method == REQUEST_TYPE and entry.name != "initialize":
            merged.extend(entry)
    handshakes = stats.entries.get(("initialize", REQUEST_TYPE))
    return summary_of(merged, handshakes, peak_users)


def _without_peak(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in summary.items() if k != "peak_users"}  # the shape's, not a worker's


@events.quitting.add_listener  # type: ignore[untyped-decorator]
def _write_summary(environment: Environment, **_: Any) -> None:
    path = os.environ.get("ZEN_LOAD_SUMMARY")
    if not path or environment.stats is None or isinstance(environment.runner, WorkerRunner):
        return  # a worker's figures reach the master in its reports; the master writes
    peak_users = PROFILE.shape.scaled(TIME_SCALE).peak_users
    data = _tool_call_summary(environment.stats, peak_users)
    if PROFILE.workers:
        ordered = sorted(WORKER_STATS, key=lambda client: WORKER_PIDS.get(client, 0))
        data["workers"] = [
            {"worker": f"worker-{n}", "pid": WORKER_PIDS.get(client), "client_id": client}
            | _without_peak(_tool_call_summary(WORKER_STATS[client], peak_users))
            for n, client in enumerate(ordered, start=1)
        ]
    with open(path, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=2)
