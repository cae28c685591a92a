"""Errors of the fuzz session, leaves of ``HarnessError``::

HarnessError
└── FuzzError               the fuzz session could not run
    └── FuzzTargetError     the server under fuzz could not be started or reached
"""

from __future__ import annotations

from harness.errors import HarnessError


class FuzzError(HarnessError):
    """Base class of fuzz-session failures (a finding is data in the report, not an exception)."""


class FuzzTargetError(FuzzError):
    """The server under fuzz could not be started or reached."""
