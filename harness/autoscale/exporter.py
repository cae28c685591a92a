"""``zen_recommended_replicas{strategy=...}`` and the loop's state, for a real HPA or KEDA to read.

Its own registry, served on a loopback port by prometheus_client's HTTP server.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, start_http_server

from harness.autoscale.recommend import STRATEGIES, Recommendation


class ScalerExporter:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.recommended = Gauge(
            "zen_recommended_replicas",
            "Replicas each strategy recommends now (before stabilisation).",
            ["strategy"],
            registry=self.registry,
        )
        self.replicas = Gauge(
            "zen_autoscale_replicas", "Instances the loop runs now.", registry=self.registry
        )
        self.forecast = Gauge(
            "zen_forecast_demand",
            "Peak concurrent calls forecast within the horizon.",
            registry=self.registry,
        )
        self.held = Counter(
            "zen_autoscale_held", "Ticks where the loop kept the count: signals or forecast unusable.",
            registry=self.registry,
        )  # fmt: skip
        self.port: int | None = None

    def record(self, replicas: int, recommendations: list[Recommendation]) -> None:
        self.replicas.set(replicas)
        for rec in recommendations:
            self.recommended.labels(rec.strategy).set(rec.replicas)
            if rec.forecast is not None:
                self.forecast.set(rec.forecast)

    def hold(self, replicas: int) -> None:
        self.replicas.set(replicas)
        for strategy in STRATEGIES:
            self.recommended.labels(strategy).set(replicas)
        self.held.inc()

    def serve(self) -> int:
        server, _thread = start_http_server(0, addr="127.0.0.1", registry=self.registry)
        self.port = int(server.server_port)
        return self.port


__all__ = ["ScalerExporter"]
