"""Errors of the load harness, leaves of ``HarnessError``::

HarnessError
└── LoadError                  a load run could not be set up or finished
    └── ProfileError           a profile file is missing or invalid

(A server under test that does not come up is ``harness.launcher.ServerStartError``.)
"""

from __future__ import annotations

from harness.errors import HarnessError


class LoadError(HarnessError):
    """A load run could not be set up or did not finish."""


class ProfileError(LoadError):
    """The profile file is missing or invalid; the message names the file and field."""
