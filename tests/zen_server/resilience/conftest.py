"""Fixtures for resilience policy tests: hand-driven time and a recording observer."""

from __future__ import annotations

import pytest

from zen_server.observability.events import RecordingObserver
from zen_server.resilience.clock import ManualClock


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def observer() -> RecordingObserver:
    return RecordingObserver()
