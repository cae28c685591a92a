"""The harness's cluster: zen_server instances in distributed mode behind a real HAProxy."""

from harness.cluster.cluster import Cluster
from harness.cluster.haproxy import HAProxy, render_config
from harness.cluster.instance import ZenInstance

__all__ = ["Cluster", "HAProxy", "ZenInstance", "render_config"]
