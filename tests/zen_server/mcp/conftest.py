"""Fixtures for the MCP layer tests."""

from __future__ import annotations

import pytest

from zen_server.mcp.testing import FakeBackend


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend()
