"""The registry of faults a fake can inject, in the spirit of Toxiproxy's toxics.

Each fault is one module: its pydantic spec (the knobs) and its `script()` (the broken
reply). `Fault` is the tagged union of them all, discriminated by `kind`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from fakes.behaviours.base import FaultContext, FaultSpec
from fakes.behaviours.drop import DropFault
from fakes.behaviours.errors import ErrorFault, OverloadedFault
from fakes.behaviours.hang import HangFault
from fakes.behaviours.latency import LatencySpec
from fakes.behaviours.malformed import EmptyChoicesFault, MalformedJsonFault, WrongContentTypeFault
from fakes.behaviours.rendezvous import RendezvousFault
from fakes.behaviours.truncate import TruncatedFault

Fault = Annotated[
    ErrorFault
    | OverloadedFault
    | MalformedJsonFault
    | TruncatedFault
    | WrongContentTypeFault
    | EmptyChoicesFault
    | HangFault
    | DropFault
    | RendezvousFault,
    Field(discriminator="kind"),
]

FAULT_KINDS: tuple[str, ...] = (
    "error",
    "overloaded",
    "malformed_json",
    "truncated",
    "wrong_content_type",
    "empty_choices",
    "hang",
    "drop",
    "rendezvous",
)

__all__ = [
    "FAULT_KINDS",
    "DropFault",
    "EmptyChoicesFault",
    "ErrorFault",
    "Fault",
    "FaultContext",
    "FaultSpec",
    "HangFault",
    "LatencySpec",
    "MalformedJsonFault",
    "OverloadedFault",
    "RendezvousFault",
    "TruncatedFault",
    "WrongContentTypeFault",
]
