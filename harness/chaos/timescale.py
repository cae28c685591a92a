"""Time scaling: which times of a scenario lie on its timeline, and how ``--time-scale`` moves them.

A field typed :data:`TimelineSeconds` is a time on the scenario's timeline: a phase's
length, when an action runs and how long its fault lasts, how soon a hypothesis expects
recovery, how long it lets a fault settle. ``--time-scale 0.5`` (``--quick``) multiplies
every one of them, so a fault still starts and ends inside its phase and a recovery bound
still fits inside the recovery phase. Other times are not on the timeline and keep their
value: latencies and their SLOs (``max_ms``), client timeouts, measurement windows
(``window_s``, ``bucket_s``) and the target's own settings (its deadlines and breaker
timers are the system under test, not the experiment's clock).

Adding a timed field to an action or hypothesis = typing it ``TimelineSeconds``; nothing
else changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel


@dataclass(frozen=True)
class OnTimeline:
    """Field metadata: this float (seconds) scales with the run's time scale."""


TimelineSeconds = Annotated[float, OnTimeline()]
OptionalTimelineSeconds = Annotated[float | None, OnTimeline()]
M = TypeVar("M", bound=BaseModel)


def timeline_fields(model: type[BaseModel]) -> list[str]:
    """Names of the fields of ``model`` that lie on the timeline."""
    return [
        name
        for name, info in model.model_fields.items()
        if any(isinstance(meta, OnTimeline) for meta in info.metadata)
    ]


def _scaled_value(value: Any, factor: float) -> Any:
    if isinstance(value, BaseModel):
        return scale_model(value, factor)
    if isinstance(value, list):
        return [_scaled_value(item, factor) for item in value]
    return value


def scale_model(model: M, factor: float) -> M:
    """A copy of ``model`` with every timeline field multiplied by ``factor``, also in the
    models (and lists of models) it holds. Unset optional times (None) stay unset."""
    timed = set(timeline_fields(type(model)))
    update: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if name in timed:
            if value is not None:
                update[name] = value * factor
        else:
            scaled = _scaled_value(value, factor)
            if scaled is not value:
                update[name] = scaled
    return model.model_copy(update=update)
