"""Load shapes as data: a registry of small pure shapes, chosen by ``kind`` in a profile.

Adding a shape: write ``harness/load/shapes/<kind>.py`` with a ``ShapeBase`` subclass whose
``kind`` is a ``Literal``, and add it to ``ShapeSpec`` below.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from harness.load.shapes.base import ShapeBase, Tick
from harness.load.shapes.cycle import CycleShape
from harness.load.shapes.ramp import RampShape
from harness.load.shapes.soak import SoakShape
from harness.load.shapes.spike import SpikeShape
from harness.load.shapes.step import StepShape

ShapeSpec = Annotated[
    RampShape | SpikeShape | StepShape | SoakShape | CycleShape, Field(discriminator="kind")
]

__all__ = [
    "CycleShape",
    "RampShape",
    "ShapeBase",
    "ShapeSpec",
    "SoakShape",
    "SpikeShape",
    "StepShape",
    "Tick",
]
