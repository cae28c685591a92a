"""Fixtures for the Jules client tests: the in-process fake mounting (respx)."""

from fakes.pytest_plugin import fake_respx

__all__ = ["fake_respx"]  # re-exported for pytest to find
