"""Every toxic the embedded proxy knows, one module each, registered by import.

Adding a fault: write ``harness/proxy/toxics/<name>.py`` with a ``@register_toxic``
dataclass and import it here.
"""

from harness.proxy.toxics import (
    bandwidth,
    latency,
    limit_data,
    reset_peer,
    slicer,
    slow_close,
    timeout,
)
from harness.proxy.toxics.bandwidth import BandwidthToxic
from harness.proxy.toxics.base import (
    Toxic,
    ToxicStub,
    ToxicWrapper,
    new_toxic,
    pass_through,
    register_toxic,
    toxic_types,
)
from harness.proxy.toxics.latency import LatencyToxic
from harness.proxy.toxics.limit_data import LimitDataToxic
from harness.proxy.toxics.reset_peer import ResetPeerToxic
from harness.proxy.toxics.slicer import SlicerToxic
from harness.proxy.toxics.slow_close import SlowCloseToxic
from harness.proxy.toxics.timeout import TimeoutToxic

__all__ = [
    "BandwidthToxic",
    "LatencyToxic",
    "LimitDataToxic",
    "ResetPeerToxic",
    "SlicerToxic",
    "SlowCloseToxic",
    "TimeoutToxic",
    "Toxic",
    "ToxicStub",
    "ToxicWrapper",
    "bandwidth",
    "latency",
    "limit_data",
    "new_toxic",
    "pass_through",
    "register_toxic",
    "reset_peer",
    "slicer",
    "slow_close",
    "timeout",
    "toxic_types",
]
