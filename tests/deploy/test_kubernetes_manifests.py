"""deploy/kubernetes/: valid against the Kubernetes schemas (offline), and in step with the server.

Ports, probe paths, environment names and the scaling metric are read from the code that
owns them (zen_server's CLI, ops routes and Settings; the harness scaler's exporter), so a
rename on either side fails here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml

from harness.autoscale.exporter import ScalerExporter
from harness.autoscale.recommend import STRATEGIES
from zen_server.cli import parse_args
from zen_server.config import Settings
from zen_server.observability.hub import ObservabilityHub
from zen_server.observability.ops import ops_routes

MANIFESTS = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes"
CORE = ("deployment.yaml", "service.yaml", "pdb.yaml", "hpa.yaml")
KUBERNETES_VERSION = "1.30.0"


def manifest(name: str) -> dict[str, Any]:
    data = yaml.safe_load((MANIFESTS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def container() -> dict[str, Any]:
    spec = manifest("deployment.yaml")["spec"]["template"]["spec"]
    (only,) = spec["containers"]
    assert isinstance(only, dict)
    return only


@pytest.mark.parametrize("name", CORE)
def test_core_resources_validate_against_the_kubernetes_schema(name: str) -> None:
    kubernetes_validate.validate(manifest(name), KUBERNETES_VERSION, strict=True)


def test_a_broken_manifest_is_caught_by_the_validator() -> None:
    broken = manifest("deployment.yaml")
    broken["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "http"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_the_container_listens_where_the_probes_and_service_point() -> None:
    c = container()
    args = parse_args(c["args"][1:])
    assert (args.transport, args.host) == ("http", "0.0.0.0")
    (port,) = c["ports"]
    assert port["containerPort"] == args.port
    assert c["readinessProbe"]["httpGet"]["port"] == port["name"]
    assert c["livenessProbe"]["httpGet"]["port"] == port["name"]
    assert manifest("service.yaml")["spec"]["ports"][0]["targetPort"] == port["name"]


def test_probes_use_the_servers_own_routes() -> None:
    paths = {getattr(route, "path", None) for route in ops_routes_of_a_server()}
    c = container()
    assert c["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert c["livenessProbe"]["httpGet"]["path"] == "/health"
    assert {"/ready", "/health", "/metrics"} <= paths


def ops_routes_of_a_server() -> list[Any]:
    return list(ops_routes(ObservabilityHub(Settings())))


def test_environment_names_are_settings_and_grace_outlasts_the_drain() -> None:
    c = container()
    known = {name.upper() for name in Settings.model_fields}
    names = [e["name"] for e in c["env"]]
    assert set(names) <= known, set(names) - known
    drain = float(next(e["value"] for e in c["env"] if e["name"] == "ZEN_DRAIN_TIMEOUT_S"))
    pre_stop = float(c["lifecycle"]["preStop"]["sleep"]["seconds"])
    grace = manifest("deployment.yaml")["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    assert grace > drain + pre_stop


def test_pdb_and_service_select_the_deployments_pods() -> None:
    labels = manifest("deployment.yaml")["spec"]["template"]["metadata"]["labels"]
    assert manifest("pdb.yaml")["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert manifest("service.yaml")["spec"]["selector"].items() <= labels.items()


def test_hpa_and_keda_read_the_metric_the_scaler_exports() -> None:
    exported = {metric.name for metric in ScalerExporter().registry.collect()}
    hpa_metric = manifest("hpa.yaml")["spec"]["metrics"][0]["external"]["metric"]
    assert hpa_metric["name"] in exported
    assert hpa_metric["selector"]["matchLabels"]["strategy"] in STRATEGIES
    query = manifest("keda-scaledobject.yaml")["spec"]["triggers"][0]["metadata"]["query"]
    assert 'zen_recommended_replicas{strategy="predictive"}' in query
    assert manifest("keda-scaledobject.yaml")["spec"]["scaleTargetRef"]["name"] == "zen-server"
