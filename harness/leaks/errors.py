"""Errors of the leak check, leaves of ``HarnessError``::

HarnessError
└── LeakCheckError        the server could not be profiled, or memray wrote no usable capture
"""

from __future__ import annotations

from harness.errors import HarnessError


class LeakCheckError(HarnessError):
    """The leak check could not be made; the message names the capture or log to read."""
