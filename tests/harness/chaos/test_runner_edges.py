"""The runner's helpers: result status, the distributed wiring, store collection, rollbacks."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import harness.chaos.runner as runner
from harness.chaos.actions import ActionSpec
from harness.chaos.errors import EnvironmentStartError
from harness.chaos.hypotheses import Verdict
from harness.chaos.records import RunData
from harness.chaos.runner import RunView, ScenarioResult
from harness.chaos.scenario import Phases
from harness.chaos.timeline import TimelineLog


def verdict(passed: bool) -> Verdict:
    return Verdict(name="h", kind="k", phase="during", passed=passed, observed="o", expected="e")


def result(**kwargs: Any) -> ScenarioResult:
    phases = Phases(before=1.0, during=2.0, after=3.0)
    return ScenarioResult(None, None, phases, runner._empty_data(phases), **kwargs)  # type: ignore[arg-type]


def test_empty_data_splits_the_phases() -> None:
    data = runner._empty_data(Phases(before=1.0, during=2.0, after=3.0))
    assert data.phases == {"before": (0.0, 1.0), "during": (1.0, 3.0), "after": (3.0, 6.0)}


def test_status_pass_fail_and_invalid() -> None:
    assert result(verdicts=[verdict(True)]).status == "PASS"
    assert result(verdicts=[]).status == "FAIL"  # nothing judged is not a pass
    assert result(verdicts=[verdict(True), verdict(False)]).status == "FAIL"
    assert result(verdicts=[verdict(True)], errors=["boom"]).status == "FAIL"
    assert result(verdicts=[verdict(True)], invalid="steady state").status == "INVALID"
    # a harness error outranks an invalid steady state
    assert result(verdicts=[verdict(True)], invalid="x", errors=["boom"]).status == "FAIL"


def test_the_default_view_does_nothing() -> None:
    view = RunView()
    view.event("x")
    view.finished()
    view.started(None, None, None, None)  # type: ignore[arg-type]


def test_distributed_env_points_the_server_at_the_given_redis() -> None:
    assert runner._distributed_env("p:", "127.0.0.1:9") == {
        "DISTRIBUTED_MODE": "true",
        "REDIS_URL": "redis://127.0.0.1:9/0",
        "ZEN_REDIS_PREFIX": "p:",
    }


async def test_collect_store_reads_threads_and_discounts_its_own_connection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def threads(prefix: str) -> dict[str, list[str]]:
        assert prefix == "p:"
        return {"t1": ["{}"]}

    async def connections(port: int) -> int:
        assert port == 6399
        return 5

    monkeypatch.setattr(runner, "connections_received", connections)
    data = RunData(phases={})
    redis: Any = SimpleNamespace(threads=threads, port=6399)
    assert await runner._collect_store(redis, "p:", data) == []
    assert data.store_threads == {"t1": ["{}"]} and data.store_connections == 4


async def test_a_store_that_cannot_be_read_is_a_reported_error() -> None:
    async def threads(prefix: str) -> dict[str, list[str]]:
        raise ConnectionError("refused")

    redis: Any = SimpleNamespace(threads=threads, port=1)
    errors = await runner._collect_store(redis, "p:", RunData(phases={}))
    assert errors == ["could not read the conversation store from redis-server: refused"]


async def test_collect_provider_requests_makes_times_relative_to_t0() -> None:
    async def request_log() -> list[tuple[str, str, float | None, int | None]]:
        return [("openai", "{}", 105.5, 200), ("gemini", "{}", None, 0)]

    data = RunData(phases={})
    data.wall_t0 = 100.0
    await runner._collect_provider_requests(SimpleNamespace(request_log=request_log), data)  # type: ignore[arg-type]
    assert [(r.provider, r.t, r.status) for r in data.provider_requests] == [
        ("openai", 5.5, 200),
        ("gemini", None, 0),
    ]
    assert data.provider_bodies_recorded


class Named:
    def __init__(self, name: str) -> None:
        self.name = name

    def describe(self) -> str:
        return self.name


@pytest.mark.parametrize("with_redis", [False, True])
async def test_every_rollback_runs_and_each_failure_is_reported(
    monkeypatch: pytest.MonkeyPatch, with_redis: bool
) -> None:
    ran: list[str] = []

    async def fake_run_action(action: ActionSpec, env: Any, log: TimelineLog, *, undo: bool = False) -> bool:
        ran.append(action.describe())
        failed = action.describe() == "first"
        if failed:  # only failures are logged here: the log's bookkeeping of faults is not under test
            log.record(action, action.describe(), "Boom: no proxy")
        return not failed

    monkeypatch.setattr(runner, "run_action", fake_run_action)
    scenario: Any = SimpleNamespace(
        rollbacks=[Named("first"), Named("second")], redis=object() if with_redis else None
    )
    errors = await runner._rollback(scenario, SimpleNamespace(), TimelineLog(0.0))
    assert errors == ["rollback first failed: Boom: no proxy"]
    builtin = [a.describe() for a in runner.BUILTIN_ROLLBACKS]
    assert ran[:4] == ["first", "second", *builtin]
    assert len(ran) == 4 + (1 if with_redis else 0)
    assert (ran[-1] == "redis-server running") == with_redis  # EnsureRedis only with a redis: section


LIBRARY = Path(__file__).resolve().parents[3] / "scenarios"


class StartFails:
    """FakeProviders / FaultProxies / RedisServer stand-in: records its life, start raises ``error``."""

    error: BaseException | None = None
    events: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    async def start(self, *args: Any) -> None:
        StartFails.events.append("start")
        if StartFails.error is not None:
            raise StartFails.error

    async def stop(self) -> None:
        StartFails.events.append("stop")


class Recording(RunView):
    finished_calls = 0

    def finished(self) -> None:
        Recording.finished_calls += 1


@pytest.fixture
def failing_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    StartFails.events = []
    Recording.finished_calls = 0
    for name in ("FakeProviders", "FaultProxies", "RedisServer"):
        monkeypatch.setattr(runner, name, StartFails)


@pytest.mark.usefixtures("failing_parts")
@pytest.mark.parametrize(
    "error",
    [
        EnvironmentStartError("fake provider port taken"),
        ExceptionGroup("load", [EnvironmentStartError("fake provider port taken")]),
    ],
)
async def test_a_start_failure_is_a_harness_error_and_everything_started_is_stopped(
    tmp_path: Path, error: BaseException
) -> None:
    from harness.chaos.loader import load_scenario

    StartFails.error = error
    scenario = load_scenario(LIBRARY / "redis-outage.yaml")
    outcome = await runner.run_scenario(scenario, runner.RunOptions(log_dir=tmp_path, view=Recording))
    assert outcome.errors == ["fake provider port taken"]
    assert outcome.status == "FAIL" and outcome.verdicts == []
    assert StartFails.events == ["start", "stop", "stop", "stop"]  # providers, proxies, redis
    assert Recording.finished_calls == 1
    assert outcome.target_log is not None and outcome.target_log.parent == tmp_path


@pytest.mark.usefixtures("failing_parts")
async def test_a_non_harness_error_in_a_group_is_not_swallowed(tmp_path: Path) -> None:
    from harness.chaos.loader import load_scenario

    StartFails.error = ExceptionGroup("load", [EnvironmentStartError("x"), KeyError("bug")])
    scenario = load_scenario(LIBRARY / "redis-outage.yaml")
    with pytest.raises(ExceptionGroup):
        await runner.run_scenario(scenario, runner.RunOptions(log_dir=tmp_path))
    assert StartFails.events[-3:] == ["stop", "stop", "stop"]  # torn down all the same
