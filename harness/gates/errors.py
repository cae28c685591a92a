"""Errors of the phase gates, leaves of ``HarnessError``::

HarnessError
└── GateError              the gates could not be evaluated
    ├── GatesFileError     gates.yaml (or another gates file) is missing or invalid
    └── NotMeasured        one measurement could not be made; its gates are "not measured"
"""

from __future__ import annotations

from harness.errors import HarnessError


class GateError(HarnessError):
    """The gates could not be evaluated."""


class GatesFileError(GateError):
    """The gates file is missing or invalid; the message names the file and the field."""


class NotMeasured(GateError):
    """A measurement could not be made (a missing input, a tool not built yet); never a pass."""
