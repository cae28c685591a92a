"""Observability: Prometheus metrics, the audit log, redacted server logs, health and readiness,
and the live dashboard. Import from here; the submodules may change.

The contract code reports through is :mod:`zen_server.observability.events` (``Observer``).
"""

from zen_server.observability.audit import AuditLog, audit_record
from zen_server.observability.audit_schema import AUDIT_SCHEMA, SCHEMA_VERSION
from zen_server.observability.hub import ObservabilityHub
from zen_server.observability.live_state import LiveState
from zen_server.observability.logs import LogObserver, configure_logging
from zen_server.observability.metrics import PrometheusObserver
from zen_server.observability.ops import OpsListener, ops_routes, run_ops_listener
from zen_server.observability.readiness import ReadinessReport, assess_readiness
from zen_server.observability.redaction import REDACTED, Redactor
from zen_server.observability.startup import configured_provider_names, startup_event

__all__ = [
    "AUDIT_SCHEMA",
    "REDACTED",
    "SCHEMA_VERSION",
    "AuditLog",
    "LiveState",
    "LogObserver",
    "ObservabilityHub",
    "OpsListener",
    "PrometheusObserver",
    "ReadinessReport",
    "Redactor",
    "assess_readiness",
    "audit_record",
    "configure_logging",
    "configured_provider_names",
    "ops_routes",
    "run_ops_listener",
    "startup_event",
]
