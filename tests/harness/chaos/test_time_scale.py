"""--time-scale / --quick: every time on a scenario's timeline moves together, so a fault
still starts and ends inside its phase and a recovery bound still fits the recovery phase."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.chaos.hypotheses.provider_load import ProviderLoad
from harness.chaos.hypotheses.recovery import Recovery
from harness.chaos.loader import load_scenario, parse_scenario, scenario_files
from harness.chaos.scenario import Scenario
from harness.chaos.timescale import timeline_fields

LIBRARY = Path(__file__).resolve().parents[3] / "scenarios"
FILES = scenario_files([LIBRARY])
QUICK = 0.5


def _timeline_problems(scenario: Scenario) -> list[str]:
    """Every way the (scaled) timeline has a fault or a bound outside the phase it belongs to."""
    problems: list[str] = []
    p = scenario.phases
    during_start, during_end = p.before, p.before + p.during
    for index, action in enumerate(scenario.method):
        start = during_start + action.at
        if not during_start <= start < during_end:
            problems.append(
                f"method.{index} starts at {start:g}s, outside 'during' [{during_start:g}, {during_end:g})"
            )
        if action.duration is not None and start + action.duration > during_end + 1e-9:
            problems.append(
                f"method.{index} ends at {start + action.duration:g}s, after 'during' ends at {during_end:g}s"
            )
    windows = [(a.at, a.at + a.duration) for a in scenario.method if a.duration is not None]
    fault_len = max((end for _, end in windows), default=p.during) - min((s for s, _ in windows), default=0.0)
    for index, hypothesis in enumerate(scenario.hypotheses):
        if isinstance(hypothesis, Recovery):
            last_clear = max((during_start + end for _, end in windows), default=during_end)
            left = p.total - last_clear
            if hypothesis.within_s >= left:
                problems.append(
                    f"hypotheses.{index} recovery within {hypothesis.within_s:g}s leaves no settled calls:"
                    f" only {left:g}s after the fault clears"
                )
        if (
            isinstance(hypothesis, ProviderLoad)
            and hypothesis.phase == "fault"
            and hypothesis.settle_s >= fault_len
        ):
            problems.append(f"hypotheses.{index} settles {hypothesis.settle_s:g}s of a {fault_len:g}s fault")
    return problems


def test_the_library_is_here() -> None:
    assert len(FILES) >= 11


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_each_fault_stays_inside_its_phase_at_the_quick_scale(path: Path) -> None:
    scenario = load_scenario(path)
    scale = scenario.time_scale_for(QUICK)
    assert _timeline_problems(scenario.scaled(scale)) == []
    assert _timeline_problems(scenario) == []  # and at full length, of course


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_every_timeline_time_is_scaled_and_nothing_else(path: Path) -> None:
    scenario = load_scenario(path)
    quick = scenario.scaled(QUICK)
    assert quick.phases.total == pytest.approx(scenario.phases.total * QUICK)
    for original, scaled in zip(scenario.method, quick.method, strict=True):
        assert scaled.at == pytest.approx(original.at * QUICK)
        if original.duration is not None:
            assert scaled.duration == pytest.approx(original.duration * QUICK)
        # The fault itself is not on the timeline: same toxic, same behaviour.
        assert scaled.model_dump(exclude={"at", "duration"}) == original.model_dump(
            exclude={"at", "duration"}
        )
    for hypothesis, scaled_hypothesis in zip(scenario.hypotheses, quick.hypotheses, strict=True):
        timed = set(timeline_fields(type(hypothesis)))
        for name in type(hypothesis).model_fields:
            before, after = getattr(hypothesis, name), getattr(scaled_hypothesis, name)
            assert after == (before * QUICK if name in timed else before), name
    # Load and target (latencies, client timeouts, the server's own settings) are untouched.
    assert quick.load == scenario.load and quick.target == scenario.target


def test_the_timed_fields_are_the_timeline_ones() -> None:
    assert timeline_fields(Recovery) == ["within_s"]
    assert timeline_fields(ProviderLoad) == ["settle_s"]


def test_a_full_length_scenario_ignores_the_scale_and_must_say_why() -> None:
    text = """
name: long
full_length: the breaker's own open time bounds recovery; halving would judge a shorter wait
phases: {before: 2, during: 4, after: 4}
method: [{action: disable_proxy, proxy: openai, duration: 4}]
hypotheses: [{type: recovery, within_s: 3}]
"""
    scenario = parse_scenario(text, Path("long.yaml"))
    assert scenario.time_scale_for(QUICK) == 1.0
    assert scenario.scaled(scenario.time_scale_for(QUICK)).phases.total == 10
    shortened = parse_scenario(text.replace("full_length: the breaker", "title: the breaker"), Path("x.yaml"))
    assert shortened.time_scale_for(QUICK) == QUICK
