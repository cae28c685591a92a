"""The timeline engine: runs the method's actions at their times and records fault windows.

Actions run in ``at`` order, each at ``start + at`` seconds; one with a ``duration`` is
undone that many seconds later (a fault window). A failing action is recorded and the
timeline carries on: the run then reports a harness error next to its verdicts. Windows
still open when the timeline ends are closed by ``close_all`` when the rollbacks run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import anyio

from harness.chaos.actions import ActionEnv, ActionSpec
from harness.chaos.records import FaultWindow


class TimelineLog:
    """What happened when: the action log and the fault windows (seconds since t0)."""

    def __init__(self, t0: float, on_event: Callable[[str], None] | None = None) -> None:
        self.t0 = t0
        self.windows: list[FaultWindow] = []
        self.actions: list[tuple[float, str, str | None]] = []
        self._on_event = on_event

    def now(self) -> float:
        return time.monotonic() - self.t0

    def record(self, action: ActionSpec, what: str, error: str | None, *, undo: bool = False) -> None:
        t = self.now()
        self.actions.append((t, what, error))
        if self._on_event is not None:
            self._on_event(f"{t:6.1f}s {what}" + (f"  FAILED: {error}" if error else ""))
        if error is not None:
            return
        opened = action.fault_key()
        if undo:
            if opened is not None:
                self._close(opened, t)
            return
        cleared = action.clears_key()
        if cleared is not None:
            self._close(cleared, t)
        if opened is not None:
            self.windows.append(FaultWindow(opened, action.describe(), t))

    def close_all(self) -> None:
        self._close("*", self.now())

    def _close(self, key: str, t: float) -> None:
        prefix = key[:-1] if key.endswith("*") else None
        for window in self.windows:
            if window.end is None and (
                window.key == key or (prefix is not None and window.key.startswith(prefix))
            ):
                window.end = t

    def active(self) -> list[str]:
        return [w.label for w in self.windows if w.end is None]


async def run_action(action: ActionSpec, env: ActionEnv, log: TimelineLog, *, undo: bool = False) -> bool:
    """Apply (or undo) one action, logging it; returns False when it failed."""
    what = f"undo {action.describe()}" if undo else action.describe()
    try:
        if undo:
            await action.undo(env)
        else:
            await action.apply(env)
    except Exception as exc:  # an action failure is data for the report, not a crash
        log.record(action, what, f"{type(exc).__name__}: {exc}", undo=undo)
        return False
    log.record(action, what, None, undo=undo)
    return True


async def run_timeline(actions: Sequence[ActionSpec], env: ActionEnv, log: TimelineLog, start: float) -> None:
    """Run the method: each action at ``start + at`` (seconds since t0), undo after ``duration``."""
    ordered = sorted(enumerate(actions), key=lambda pair: (pair[1].at, pair[0]))

    async def undo_later(action: ActionSpec, when: float) -> None:
        await anyio.sleep(max(0.0, when - log.now()))
        await run_action(action, env, log, undo=True)

    async with anyio.create_task_group() as group:
        for _, action in ordered:
            await anyio.sleep(max(0.0, start + action.at - log.now()))
            ok = await run_action(action, env, log)
            if ok and action.duration is not None and action.undoable:
                group.start_soon(undo_later, action, start + action.at + action.duration)
