"""Errors of the fuzz session, as one tree.

FuzzError
└── FuzzTargetError     the server under fuzz could not be started or reached
"""

from __future__ import annotations


class FuzzError(Exception):
    """Base class of fuzz-session failures (a finding is data in the report, not an exception)."""


class FuzzTargetError(FuzzError):
    """The server under fuzz could not be started or reached."""
