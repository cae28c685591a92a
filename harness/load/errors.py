"""Errors of the load harness, leaves of ``HarnessError``::

HarnessError
└── LoadError                  a load run could not be set up or finished
    ├── ProfileError           a profile file is missing or invalid
    └── TargetStartError       the server under test did not come up
"""

from __future__ import annotations

from harness.errors import HarnessError


class LoadError(HarnessError):
    """A load run could not be set up or did not finish."""


class ProfileError(LoadError):
    """The profile file is missing or invalid; the message names the file and field."""


class TargetStartError(LoadError):
    """The server under test did not start or answer in time; see its log file."""
