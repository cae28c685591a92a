"""The state of one workflow run, as kept in the conversation thread between calls.

A run is the steps one tool has received since its step 1, plus what they add up to (files,
context, issues, hypotheses). It lives in ``Thread.state["workflows"][<tool>]`` as plain JSON,
so several tools can keep runs in one thread and any store (memory, Redis) can hold it.
Runs are immutable: each call derives a new run and hands it to the executor to record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from zen_server.tools.workflow.step import StepInput

STATE_KEY = "workflows"


def _unique(groups: Iterable[Iterable[str]]) -> tuple[str, ...]:
    # dict keeps first-seen order: files appear in the order the agent first named them
    return tuple(dict.fromkeys(item for group in groups for item in group))


@dataclass(frozen=True, slots=True)
class StepRecord:
    step_number: int
    step: str
    findings: str
    files_checked: tuple[str, ...] = ()
    relevant_files: tuple[str, ...] = ()
    relevant_context: tuple[str, ...] = ()
    issues_found: tuple[dict[str, Any], ...] = ()
    confidence: str = "low"
    hypothesis: str | None = None
    images: tuple[str, ...] = ()
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_input(cls, step: StepInput, extras: Mapping[str, Any] | None = None) -> StepRecord:
        return cls(
            step_number=step.step_number,
            step=step.step,
            findings=step.findings,
            files_checked=step.files_checked,
            relevant_files=step.relevant_files,
            relevant_context=step.relevant_context,
            issues_found=step.issues_found,
            confidence=step.confidence,
            hypothesis=step.hypothesis,
            images=step.images,
            extras=dict(extras or {}),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "step_number": self.step_number,
            "step": self.step,
            "findings": self.findings,
            "files_checked": list(self.files_checked),
            "relevant_files": list(self.relevant_files),
            "relevant_context": list(self.relevant_context),
            "issues_found": [dict(issue) for issue in self.issues_found],
            "confidence": self.confidence,
            "hypothesis": self.hypothesis,
            "images": list(self.images),
            "extras": dict(self.extras),
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> StepRecord:
        return cls(
            step_number=int(raw["step_number"]),
            step=str(raw.get("step", "")),
            findings=str(raw.get("findings", "")),
            files_checked=tuple(raw.get("files_checked", ())),
            relevant_files=tuple(raw.get("relevant_files", ())),
            relevant_context=tuple(raw.get("relevant_context", ())),
            issues_found=tuple(dict(i) for i in raw.get("issues_found", ())),
            confidence=str(raw.get("confidence", "low")),
            hypothesis=raw.get("hypothesis"),
            images=tuple(raw.get("images", ())),
            extras=dict(raw.get("extras", {})),
        )


@dataclass(frozen=True, slots=True)
class RunState:
    tool: str
    initial_request: str
    steps: tuple[StepRecord, ...] = ()
    # Turns the thread already had when step 1 arrived: the conversation this run builds on.
    history_start: int = 0
    complete: bool = False
    # Tool-specific, JSON-safe (consensus responses, planner branches, precommit's repository).
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def start(
        cls, tool: str, step: StepRecord, *, history_start: int, data: Mapping[str, Any] | None = None
    ) -> RunState:
        return cls(
            tool=tool,
            initial_request=step.step,
            steps=(step,),
            history_start=history_start,
            data=dict(data or {}),
        )

    def with_step(self, step: StepRecord, *, complete: bool) -> RunState:
        """Append ``step``; a step number already seen replaces it and every later step (a revision)."""
        kept = tuple(s for s in self.steps if s.step_number < step.step_number)
        return replace(self, steps=(*kept, step), complete=complete)

    def with_data(self, **values: Any) -> RunState:
        return replace(self, data={**self.data, **values})

    @property
    def last_step_number(self) -> int:
        return self.steps[-1].step_number if self.steps else 0

    @property
    def files_checked(self) -> tuple[str, ...]:
        return _unique(s.files_checked for s in self.steps)

    @property
    def relevant_files(self) -> tuple[str, ...]:
        return _unique(s.relevant_files for s in self.steps)

    @property
    def relevant_context(self) -> tuple[str, ...]:
        return _unique(s.relevant_context for s in self.steps)

    @property
    def images(self) -> tuple[str, ...]:
        return _unique(s.images for s in self.steps)

    @property
    def issues_found(self) -> tuple[dict[str, Any], ...]:
        return tuple(issue for s in self.steps for issue in s.issues_found)

    @property
    def hypotheses(self) -> tuple[tuple[int, str, str], ...]:
        """(step number, confidence, hypothesis) for every step that stated one."""
        return tuple((s.step_number, s.confidence, s.hypothesis) for s in self.steps if s.hypothesis)

    @property
    def confidence(self) -> str:
        return self.steps[-1].confidence if self.steps else "exploring"

    def to_json(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "initial_request": self.initial_request,
            "steps": [s.to_json() for s in self.steps],
            "history_start": self.history_start,
            "complete": self.complete,
            "data": dict(self.data),
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> RunState:
        return cls(
            tool=str(raw["tool"]),
            initial_request=str(raw.get("initial_request", "")),
            steps=tuple(StepRecord.from_json(s) for s in raw.get("steps", ())),
            history_start=int(raw.get("history_start", 0)),
            complete=bool(raw.get("complete", False)),
            data=dict(raw.get("data", {})),
        )


def read_run(thread_state: Mapping[str, object], tool: str) -> RunState | None:
    """The run ``tool`` keeps in a thread's state, or None if it has none (or it is unreadable)."""
    runs = thread_state.get(STATE_KEY)
    if not isinstance(runs, Mapping):
        return None
    raw = runs.get(tool)
    if not isinstance(raw, Mapping):
        return None
    try:
        return RunState.from_json(raw)
    except (KeyError, TypeError, ValueError):
        return None


def write_run(thread_state: Mapping[str, object], run: RunState) -> dict[str, object]:
    """A new thread state with ``run`` stored; other tools' runs and other keys are kept."""
    runs = thread_state.get(STATE_KEY)
    merged: dict[str, object] = dict(runs) if isinstance(runs, Mapping) else {}
    merged[run.tool] = run.to_json()
    return {**thread_state, STATE_KEY: merged}


__all__ = ["STATE_KEY", "RunState", "StepRecord", "read_run", "write_run"]
