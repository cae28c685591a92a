"""An embedded, Toxiproxy 2.x API-compatible TCP fault proxy.

Layout (each module owns one concern)::

    stream.py            Chunk, Direction, Channel, FlowBudget: what flows through a link
    toxics/              one module per toxic + base.py (interface, stub, registry)
    link.py              one direction of one connection through a chain of toxics
    toxic_collection.py  a proxy's toxic chains and their live links
    proxy.py             one listening proxy and its connections
    collection.py        all proxies by name (create, populate, delete, reset)
    decoding.py          request JSON with Toxiproxy's (Go's) error texts
    http.py              a small HTTP/1.1 server (h11)
    api.py               the Toxiproxy HTTP API routes
    embedded.py          EmbeddedToxiproxy: start/stop in-process or in a thread
    command.py           the ``zen-harness proxy`` subcommand
    process.py           ToxiproxyProcess: the same server as a subprocess
"""

from harness.proxy.api import TOXIPROXY_VERSION, ToxiproxyApi
from harness.proxy.collection import ProxyCollection
from harness.proxy.embedded import EmbeddedToxiproxy, load_config
from harness.proxy.proxy import Proxy
from harness.proxy.stream import Chunk, Direction
from harness.proxy.toxics import Toxic, ToxicStub, ToxicWrapper, new_toxic, register_toxic, toxic_types

__all__ = [
    "TOXIPROXY_VERSION",
    "Chunk",
    "Direction",
    "EmbeddedToxiproxy",
    "Proxy",
    "ProxyCollection",
    "Toxic",
    "ToxicStub",
    "ToxicWrapper",
    "ToxiproxyApi",
    "load_config",
    "new_toxic",
    "register_toxic",
    "toxic_types",
]
