"""The chaos / load / leak harness: fault injection (Toxiproxy API), scenarios, gates.

Public names are re-exported here; import them from ``harness``. Its dependencies are the
``harness`` extra (``pip install 'zen-hardened[harness]'``); the server's own install lacks
them, and importing the harness then says which extra to install.
"""

import harness._requirements  # noqa: F401 -- first: says which extra to install when one is missing
from harness.errors import (
    HarnessError,
    ProxyConfigError,
    ToxiproxyAPIError,
    ToxiproxyBadRequest,
    ToxiproxyConflict,
    ToxiproxyError,
    ToxiproxyNotFound,
    ToxiproxyUnavailable,
)
from harness.proxy import EmbeddedToxiproxy
from harness.proxy.process import ToxiproxyProcess
from harness.toxiproxy_client import (
    ProxyInfo,
    SyncToxiproxyClient,
    ToxicInfo,
    ToxiproxyClient,
    open_toxiproxy,
)

__all__ = [
    "EmbeddedToxiproxy",
    "HarnessError",
    "ProxyConfigError",
    "ProxyInfo",
    "SyncToxiproxyClient",
    "ToxicInfo",
    "ToxiproxyAPIError",
    "ToxiproxyBadRequest",
    "ToxiproxyClient",
    "ToxiproxyConflict",
    "ToxiproxyError",
    "ToxiproxyNotFound",
    "ToxiproxyProcess",
    "ToxiproxyUnavailable",
    "open_toxiproxy",
]
