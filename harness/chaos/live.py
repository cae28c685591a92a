"""The live view while a scenario runs (rich), and the verdict table at the end.

On a terminal it redraws a small panel four times a second: phase and time, calls ok and
failed, calls in flight, p50/p95 of the last five seconds, active faults, recent events.
Elsewhere (CI logs) it prints one line per event instead of redrawing.
"""

from __future__ import annotations

from collections import deque

from rich.console import Console, Group
from rich.live import Live
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from harness.chaos.load import LoadRecorder
from harness.chaos.runner import RunView, ScenarioResult
from harness.chaos.scenario import Phases, Scenario
from harness.chaos.stats import percentile
from harness.chaos.timeline import TimelineLog
from harness.sampling import sample_every

RECENT_S = 5.0


class RichRunView(RunView):
    def __init__(self, console: Console) -> None:
        self._console = console
        self._events: deque[str] = deque(maxlen=6)
        self._scenario: Scenario | None = None
        self._phases: Phases | None = None
        self._recorder: LoadRecorder | None = None
        self._log: TimelineLog | None = None
        self._live: Live | None = None

    def started(self, scenario: Scenario, phases: Phases, recorder: LoadRecorder, log: TimelineLog) -> None:
        self._scenario, self._phases, self._recorder, self._log = scenario, phases, recorder, log
        if self._console.is_terminal:
            self._live = Live(self._render(), console=self._console, refresh_per_second=4, transient=True)
            self._live.start()
        else:
            self._console.print(f"[bold]{scenario.name}[/]: load for {phases.total:.0f}s")

    def event(self, text: str) -> None:
        self._events.append(text)
        if self._live is None:
            self._console.print(f"  {text}", markup=False, highlight=False, soft_wrap=True)

    async def run(self, until: float) -> None:
        if self._live is None or self._recorder is None:
            return
        recorder, live = self._recorder, self._live
        await sample_every(0.25, lambda: live.update(self._render()), until=lambda: recorder.now() >= until)

    def finished(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    def _phase(self, t: float) -> str:
        assert self._phases is not None
        if t < self._phases.before:
            return "before"
        return "during" if t < self._phases.before + self._phases.during else "after"

    def _render(self) -> Panel:
        rec, phases, scenario = self._recorder, self._phases, self._scenario
        if rec is None or phases is None or scenario is None:
            return Panel("starting")
        t = rec.now()
        calls = rec.calls
        recent = [c.latency_s * 1000 for c in calls if c.end >= t - RECENT_S]
        failed = sum(1 for c in calls if not c.ok)
        p50, p95 = percentile(recent, 50), percentile(recent, 95)
        grid = Table.grid(padding=(0, 2))
        grid.add_row("phase", f"{self._phase(t)}  {t:5.1f}s / {phases.total:.0f}s")
        grid.add_row("calls", f"{len(calls) - failed} ok, {failed} failed, {rec.in_flight} in flight")
        grid.add_row("latency 5s", f"p50 {p50 or 0:.0f} ms, p95 {p95 or 0:.0f} ms")
        active = self._log.active() if self._log is not None else []
        grid.add_row("faults", ", ".join(active) or "none")
        events = Text("\n".join(self._events), style="dim")
        return Panel(Group(grid, events), title=f"chaos: {scenario.name}")


def print_verdicts(console: Console, results: list[ScenarioResult]) -> None:
    """The verdicts at the end: a table on a terminal; elsewhere (CI logs, pipes, files) one
    plain line per verdict, which no fixed 80-column width can fold into fragments."""
    if console.is_terminal:
        console.print(verdict_table(results))
        return
    for line in verdict_lines(results):
        console.print(line, markup=False, highlight=False, soft_wrap=True)


def verdict_lines(results: list[ScenarioResult]) -> list[str]:
    """``PASS scenario: hypothesis: observed (expected)``, errors first, one line each."""
    lines: list[str] = []
    for result in results:
        name = result.scenario.name
        lines += [f"ERROR {name}: harness: {error}" for error in result.errors]
        for v in result.verdicts:
            lines.append(f"{'PASS' if v.passed else 'FAIL'} {name}: {v.name}: {v.observed} ({v.expected})")
    return lines


def verdict_table(results: list[ScenarioResult]) -> Table:
    """One row per hypothesis, grouped by scenario, green or red, with the figure behind it."""
    table = Table(title="Chaos verdicts", show_lines=False)
    for column in ("scenario", "hypothesis", "verdict", "observed", "expected"):
        table.add_column(column, overflow="fold")
    for result in results:
        name = result.scenario.name
        for error in result.errors:
            table.add_row(name, "harness", "[bold red]ERROR[/]", Text(error[:200]), "")
        for verdict in result.verdicts:
            mark = "[green]PASS[/]" if verdict.passed else "[bold red]FAIL[/]"
            table.add_row(name, verdict.name, mark, Text(verdict.observed), Text(verdict.expected))
            name = ""
    return table
