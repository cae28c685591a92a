"""A metric whose feature has not landed yet: always NotMeasured, with the reason.

Keeps the plan's row in the report ("not measured: <why>") instead of dropping it or,
worse, showing it as a pass. Gates on it carry ``pending: true`` so the phase verdict
does not wait on them; when the feature lands, the row gets a real measurement kind.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from harness.gates.errors import NotMeasured
from harness.gates.metrics.base import MeasureContext, Measurement, MeasureParams


class Params(MeasureParams):
    kind: Literal["pending"]
    reason: str = Field(min_length=10)


def measure(params: Params, ctx: MeasureContext) -> Measurement:
    raise NotMeasured(params.reason)
