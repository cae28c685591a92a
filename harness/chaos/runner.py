"""Runs one scenario end to end and returns its verdicts: the experiment's whole life.

1. bring up the fakes, a proxy in front of each, and the target wired to the proxies;
2. connect the load's sessions; t0 is when they are all up;
3. run the load for before + during + after, the method's timeline (from the start of
   'during') and the samplers, side by side;
4. ALWAYS (finally, shielded, bounded; also on Ctrl-C): the rollbacks, then teardown;
5. judge every hypothesis on the recorded ``RunData``.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import anyio

from harness.chaos.actions import ActionEnv, ActionSpec
from harness.chaos.actions.base import RedisControl
from harness.chaos.actions.behaviour import ResetProviders
from harness.chaos.actions.redis import EnsureRedis
from harness.chaos.actions.toxic import RemoveAllToxics
from harness.chaos.environment import FakeProviders, FaultProxies
from harness.chaos.environment.factory import RunTarget, make_target
from harness.chaos.environment.redis_server import NoRedis, RedisServer, connections_received
from harness.chaos.errors import ChaosError, EnvironmentStartError
from harness.chaos.exposure import read_files, scrape_ops
from harness.chaos.hypotheses import Verdict
from harness.chaos.load import LoadGenerator, LoadRecorder
from harness.chaos.records import ProviderRequest, RunData
from harness.chaos.samplers import Samplers
from harness.chaos.scenario import Phases, Scenario
from harness.chaos.sessions import SessionPool
from harness.chaos.steady_state import not_judged, steady_state_failure
from harness.chaos.timeline import TimelineLog, run_action, run_timeline
from harness.chaos.wiring import provider_wiring

ROLLBACK_BUDGET_S = 60.0
BUILTIN_ROLLBACKS: tuple[ActionSpec, ...] = (
    RemoveAllToxics(action="remove_all_toxics"),
    ResetProviders(action="reset_providers"),
)


class RunView:
    """What the runner tells a live view; the default shows nothing."""

    def started(self, scenario: Scenario, phases: Phases, recorder: LoadRecorder, log: TimelineLog) -> None:
        """Called once t0 is set."""

    def event(self, text: str) -> None:
        """An action ran, a phase began, something failed."""

    async def run(self, until: float) -> None:
        """Refresh until ``until`` seconds after t0."""

    def finished(self) -> None:
        """The load is over."""


@dataclass
class RunOptions:
    time_scale: float = 1.0
    seed: int = 7
    log_dir: Path | None = None  # where the target's log is kept (a temp dir when None)
    view: Callable[[], RunView] = RunView


@dataclass
class ScenarioResult:
    scenario: Scenario
    source: Path | None
    phases: Phases
    data: RunData
    verdicts: list[Verdict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    started_at: str = ""
    duration_s: float = 0.0
    target_log: Path | None = None
    time_scale: float = 1.0  # the scale the timeline ran at (``scenario`` is already scaled)
    # Why the steady state ('before') did not hold: the run is INVALID, its verdicts not counted.
    invalid: str | None = None

    @property
    def passed(self) -> bool:
        return (
            not self.errors
            and self.invalid is None
            and bool(self.verdicts)
            and all(v.passed for v in self.verdicts)
        )

    @property
    def status(self) -> str:
        """PASS, FAIL (a verdict failed or the harness hit an error) or INVALID (the steady
        state failed: no later verdict counts)."""
        if self.invalid is not None and not self.errors:
            return "INVALID"
        return "PASS" if self.passed else "FAIL"


@dataclass(frozen=True)
class _Env:
    proxies: FaultProxies
    providers: FakeProviders
    target: RunTarget
    redis: RedisControl


def _empty_data(phases: Phases) -> RunData:
    b, d = phases.before, phases.before + phases.during
    return RunData(phases={"before": (0.0, b), "during": (b, d), "after": (d, phases.total)})


async def run_scenario(scenario: Scenario, options: RunOptions, source: Path | None = None) -> ScenarioResult:
    """Run ``scenario``; harness failures land in ``result.errors``, never half-torn-down state.

    The whole timeline is scaled by ``options.time_scale`` (phases, actions, recovery bounds)
    unless the scenario says why it must run at full length.
    """
    scale = scenario.time_scale_for(options.time_scale)
    scenario = scenario.scaled(scale)
    phases = scenario.phases
    result = ScenarioResult(scenario, source, phases, _empty_data(phases), time_scale=scale)
    result.started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    began = time.monotonic()
    view = options.view()
    if scale != options.time_scale:
        view.event(f"runs at full length, not x{options.time_scale:g}: {scenario.full_length}")
    with tempfile.TemporaryDirectory(prefix=f"chaos-{scenario.name}-") as tmp:
        workdir = Path(tmp)
        log_dir = options.log_dir or workdir
        log_dir.mkdir(parents=True, exist_ok=True)
        result.target_log = log_dir / f"{scenario.name}.target.log"
        result.target_log.write_text("")
        providers = FakeProviders(scenario.providers, workdir, seed=options.seed)
        proxies = FaultProxies(prefix=f"chaos-{scenario.name}-{os.getpid()}")
        log = TimelineLog(time.monotonic(), on_event=view.event)
        env: _Env | None = None
        redis = RedisServer(workdir) if scenario.redis is not None else None
        placeholders: dict[str, str] = {}
        try:
            await providers.start()
            proxied = [p.name for p in scenario.providers if p.proxied]
            upstreams = {name: providers.address(name) for name in proxied}
            if redis is not None:
                await redis.start()
                if scenario.redis is not None and scenario.redis.proxied:
                    upstreams["redis"] = redis.address
            listen = await proxies.start(upstreams)
            variables, placeholders = provider_wiring(scenario, providers, listen, workdir)
            if redis is not None and scenario.redis is not None:
                variables.update(_distributed_env(scenario.redis.prefix, listen.get("redis", redis.address)))
            target = make_target(
                scenario.target,
                variables if scenario.target.wire_provider_env else {},
                placeholders,
                result.target_log,
            )
            env = _Env(proxies, providers, target, redis if redis is not None else NoRedis())
            await target.start()
            await _run_load(scenario, phases, options, env, log, view, result, workdir)
            await _collect_provider_requests(providers, result.data)
        except ChaosError as exc:
            result.errors.append(str(exc))
        except ExceptionGroup as group:
            # Fix: a ChaosError raised inside _run_load's task group (e.g. "no MCP session with
            # the target") arrives wrapped by anyio in an ExceptionGroup, which the clause above
            # missed: an unreachable target crashed the run instead of becoming a harness error.
            chaos, other = group.split(ChaosError)
            if chaos is None or other is not None:
                raise
            result.errors += [str(exc) for exc in chaos.exceptions]
        finally:
            with anyio.CancelScope(shield=True), anyio.move_on_after(ROLLBACK_BUDGET_S) as budget:
                if env is not None:
                    result.errors += await _rollback(scenario, env, log)
                if redis is not None and scenario.redis is not None and result.data.calls:
                    result.errors += await _collect_store(redis, scenario.redis.prefix, result.data)
                log.close_all()
                result.data.windows = log.windows
                result.data.actions = log.actions
                if env is not None:
                    await env.target.stop()
                    result.data.exposed.update(
                        read_files(result.target_log, scenario.target.env, placeholders)
                    )
                await proxies.stop()
                await providers.stop()
                if redis is not None:
                    await redis.stop()
            if budget.cancelled_caught:
                result.errors.append(
                    f"rollbacks and teardown took over {ROLLBACK_BUDGET_S:g}s; stopped waiting"
                )
            view.finished()
    result.duration_s = time.monotonic() - began
    if not result.errors or result.data.calls:
        verdicts = [h.evaluate(result.data) for h in scenario.hypotheses]
        result.invalid = steady_state_failure(result.data, verdicts)
        result.verdicts = verdicts if result.invalid is None else not_judged(verdicts, result.invalid)
    return result


async def _run_load(
    scenario: Scenario,
    phases: Phases,
    options: RunOptions,
    env: _Env,
    log: TimelineLog,
    view: RunView,
    result: ScenarioResult,
    workdir: Path,
) -> None:
    target = env.target
    pool = SessionPool(
        target.endpoint,
        scenario.load.sessions,
        init_timeout_s=scenario.target.startup_timeout_s,
        session_wait_s=scenario.load.session_wait_s,
    )
    target.pool = pool
    async with anyio.create_task_group() as group:
        pool.start(group)
        if not await pool.wait_connected(scenario.target.startup_timeout_s):
            errors = {slot.last_error for slot in pool.slots if slot.last_error}
            pool.stop()
            raise EnvironmentStartError(
                f"no MCP session with the target within the startup timeout: {errors}"
            )
        recorder = LoadRecorder(t0=time.monotonic())
        result.data.wall_t0 = time.time()
        log.t0 = recorder.t0
        samplers = Samplers(recorder, target, env.providers, [p.name for p in scenario.providers])
        view.started(scenario, phases, recorder, log)
        group.start_soon(samplers.run, phases.total)
        group.start_soon(run_timeline, scenario.method, env, log, phases.before)
        group.start_soon(view.run, phases.total)
        load = LoadGenerator(scenario.load, pool, recorder, workdir=str(workdir), seed=options.seed)
        await load.run(phases.total)
        data = result.data
        data.end = max(recorder.now(), phases.total)
        data.calls = recorder.calls
        data.threads = recorder.threads
        data.in_flight = samplers.in_flight
        data.rss_mb = samplers.rss_mb
        data.provider_in_flight = samplers.provider_in_flight
        data.provider_total = samplers.provider_total
        data.exposed["replies"] = "\n".join(recorder.replies)
        data.exposed.update(await scrape_ops(target.endpoint()))
        pool.stop()
        group.cancel_scope.cancel()  # the timeline's late undos are the rollbacks' job now


async def _collect_provider_requests(providers: FakeProviders, data: RunData) -> None:
    log = await providers.request_log()
    data.provider_requests = [
        ProviderRequest(name, body, at - data.wall_t0 if at else None, status)
        for name, body, at, status in log
    ]
    data.provider_bodies_recorded = True


def _distributed_env(prefix: str, redis_address: str) -> dict[str, str]:
    return {"DISTRIBUTED_MODE": "true", "REDIS_URL": f"redis://{redis_address}/0", "ZEN_REDIS_PREFIX": prefix}


async def _collect_store(redis: RedisServer, prefix: str, data: RunData) -> list[str]:
    """What Redis holds at the end, read directly (not through the proxy), for the verdicts."""
    try:
        data.store_threads = await redis.threads(prefix)
        data.store_connections = await connections_received(redis.port) - 1  # less our own
    except Exception as exc:  # a harness failure to report, not a crash of the run
        return [f"could not read the conversation store from redis-server: {exc}"]
    return []


async def _rollback(scenario: Scenario, env: ActionEnv, log: TimelineLog) -> list[str]:
    """Every rollback runs, whatever failed before it; failures are returned as errors."""
    errors: list[str] = []
    extra = (EnsureRedis(action="ensure_redis"),) if scenario.redis is not None else ()
    for action in (*scenario.rollbacks, *BUILTIN_ROLLBACKS, *extra):
        if not await run_action(action, env, log):
            errors.append(f"rollback {action.describe()} failed: {log.actions[-1][2]}")
    return errors
