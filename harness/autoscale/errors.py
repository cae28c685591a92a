"""Errors of the autoscaler, leaves of ``HarnessError``::

HarnessError
└── AutoscaleError             the scaler could not read, forecast or act; it keeps the current count
    ├── ForecastError          too little history or bad parameters for a forecast
    └── SignalError            an instance's /metrics could not be read or lacks a series
"""

from __future__ import annotations

from harness.errors import HarnessError


class AutoscaleError(HarnessError):
    """The scaler cannot decide from what it has; the loop keeps the current replica count."""


class ForecastError(AutoscaleError):
    """The forecaster cannot answer (too little history, bad parameters); the message says which."""


class SignalError(AutoscaleError):
    """An instance's metrics endpoint did not answer, or its exposition lacks a series the scaler needs."""
