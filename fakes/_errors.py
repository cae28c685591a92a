"""The fakes package's one exception tree (tests/test_error_trees.py renders it from the classes).

FakesError                      base of everything the fakes raise on purpose
├── BehaviourError (ValueError) a behaviour spec, file or CLI argument is invalid
├── ProviderRequestError        a request sent to a fake is malformed for its API (answered 400)
├── FakeServerError             a fake server could not start or stop in time
└── ControlError                the control API refused a call (carries the status)
"""

from __future__ import annotations


class FakesError(Exception):
    """Base class for every error the fakes package raises on purpose."""


class BehaviourError(FakesError, ValueError):
    """A behaviour spec, behaviour file or CLI argument is invalid; the message says which field."""


class ProviderRequestError(FakesError):
    """A request sent to a fake is malformed for that API; the fake answers 400 with this message."""


class FakeServerError(FakesError):
    """A fake server failed to start (port taken, crashed) or to stop in time."""


class ControlError(FakesError):
    """The control API answered a call with a non-2xx status."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"control API answered {status}: {detail}")
        self.status = status
        self.detail = detail
