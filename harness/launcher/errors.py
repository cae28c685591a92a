"""Errors of the launcher, leaves of ``HarnessError``::

HarnessError
└── LaunchError                a server under test or a fake could not be launched
    └── ServerStartError       the server under test did not start or answer in time
"""

from __future__ import annotations

from harness.errors import HarnessError


class LaunchError(HarnessError):
    """A process the harness launches for a run could not be launched."""


class ServerStartError(LaunchError):
    """The server under test did not start or answer in time; the message names its log file."""
