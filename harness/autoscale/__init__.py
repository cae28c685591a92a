"""Autoscaling the local cluster: signals from the instances, forecasts, replica recommendations.

Lives in the harness, not in zen_server: an instance sees only its own load, while the
replica count is a decision about the whole cluster (made here, or by a real HPA/KEDA
reading ``zen_recommended_replicas`` from this package's exporter).
"""
