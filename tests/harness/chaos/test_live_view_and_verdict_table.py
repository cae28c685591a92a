"""The live view: a redrawing panel on a terminal, one line per event elsewhere; and the
verdict table, one row per hypothesis plus one per harness error."""

from __future__ import annotations

import io

import anyio
from rich.console import Console

from harness.chaos.hypotheses import Verdict
from harness.chaos.live import RichRunView, print_verdicts, verdict_table
from harness.chaos.load import LoadRecorder
from harness.chaos.records import CallRecord, FaultWindow, RunData
from harness.chaos.runner import ScenarioResult
from harness.chaos.scenario import Phases, Scenario
from harness.chaos.timeline import TimelineLog


def console(terminal: bool) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=terminal, width=120, color_system=None), out


def recorder_at(now: float, calls: list[CallRecord]) -> LoadRecorder:
    rec = LoadRecorder(t0=0.0, calls=calls, in_flight=3)
    rec.now = lambda: now  # type: ignore[method-assign]
    return rec


def test_off_a_terminal_each_event_is_one_plain_line_and_run_returns_at_once() -> None:
    out_console, out = console(terminal=False)
    view = RichRunView(out_console)
    scenario = Scenario(name="spike")
    view.started(scenario, Phases(before=1, during=2, after=3), recorder_at(0.0, []), TimelineLog(0.0))
    view.event("  0.5s add_toxic [x] on openai")
    anyio.run(view.run, 100.0)  # nothing to redraw: returns without waiting
    view.finished()
    lines = out.getvalue().splitlines()
    assert lines == ["spike: load for 6s", "    0.5s add_toxic [x] on openai"]


def test_the_panel_shows_phase_calls_latency_and_active_faults() -> None:
    out_console, _ = console(terminal=True)
    view = RichRunView(out_console)
    assert "starting" in str(view._render().renderable)
    phases = Phases(before=2, during=4, after=2)
    calls = [
        CallRecord(worker=0, tool="chat", kind="ok", start=2.5, latency_s=0.1),
        CallRecord(worker=1, tool="chat", kind="ok", start=2.6, latency_s=0.3),
        CallRecord(worker=1, tool="chat", kind="timeout", start=0.0, latency_s=0.2),
    ]
    log = TimelineLog(0.0)
    log.windows.append(FaultWindow("toxic:openai:lat", "latency on openai", 2.0))
    view.started(Scenario(name="spike"), phases, recorder_at(3.0, calls), log)
    try:
        assert view._live is not None
        view.event("phase during")
        text = render(view)
        assert "during    3.0s / 8s" in text
        assert "2 ok, 1 failed, 3 in flight" in text
        assert "p50" in text and "ms" in text
        assert "latency on openai" in text and "phase during" in text
        assert view._phase(1.0) == "before" and view._phase(7.0) == "after"
    finally:
        view.finished()
    assert view._live is None
    view.finished()  # idempotent


async def test_run_redraws_until_the_recorder_reaches_the_deadline() -> None:
    out_console, _ = console(terminal=True)
    view = RichRunView(out_console)
    ticks = iter([0.0, 0.1, 5.0])
    rec = LoadRecorder(t0=0.0)
    rec.now = lambda: next(ticks, 5.0)  # type: ignore[method-assign]
    view.started(Scenario(name="s"), Phases(before=0, during=1, after=0), rec, TimelineLog(0.0))
    try:
        with anyio.fail_after(5):
            await view.run(1.0)
    finally:
        view.finished()
    assert next(ticks, None) is None  # the clock was read until the deadline passed


def render(view: RichRunView) -> str:
    capture, out = console(terminal=False)
    capture.print(view._render())
    return out.getvalue()


def test_verdict_table_lists_errors_then_verdicts_naming_the_scenario_once() -> None:
    phases = Phases()
    green = Verdict("p95 ok", "latency", "during", True, "p95 120 ms", "<= 2500 ms")
    red = Verdict("no errors", "error_rate", "after", False, "12%", "<= 0%")
    result = ScenarioResult(Scenario(name="spike"), None, phases, RunData(phases={}), [green, red],
                            errors=["toxiproxy API refused " + "x" * 300])  # fmt: skip
    capture, out = console(terminal=False)
    capture.print(verdict_table([result]))
    rows = [line for line in out.getvalue().splitlines() if "│" in line and "scenario" not in line]
    joined = "\n".join(rows)
    assert "ERROR" in joined and "PASS" in joined and "FAIL" in joined
    assert joined.count("spike") == 2  # the error row and the first verdict row
    assert "x" * 201 not in joined.replace("│", "").replace(" ", "").replace("\n", "")


def test_off_a_terminal_the_verdicts_are_whole_lines_not_a_folded_table() -> None:
    phases = Phases()
    long_observed = "first success 2.04s after clear; errors after that: 0.0% of 57 calls, " * 2
    red = Verdict("recovery (after)", "recovery", "after", False, long_observed.strip(), "<= 2.5s")
    result = ScenarioResult(Scenario(name="hanging-provider"), None, phases, RunData(phases={}), [red],
                            errors=["toxiproxy API refused"])  # fmt: skip
    capture, out = console(terminal=False)  # 120 columns; a pipe would be 80
    print_verdicts(capture, [result])
    assert out.getvalue().splitlines() == [
        "ERROR hanging-provider: harness: toxiproxy API refused",
        f"FAIL hanging-provider: recovery (after): {long_observed.strip()} (<= 2.5s)",
    ]


def test_off_a_terminal_a_long_event_stays_one_line() -> None:
    capture = io.StringIO()
    view = RichRunView(Console(file=capture, width=80, color_system=None))
    reason = "runs at full length, not x0.5: " + "the breaker is judged after 20 calls " * 3
    view.event(reason)
    assert capture.getvalue().splitlines() == [f"  {reason}"]
