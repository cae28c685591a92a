"""The harness package's one exception tree (tests/test_error_trees.py renders each drawing from
the classes, here and in every area's errors.py, so none can drift).

Every error the harness raises on purpose is a leaf of ``HarnessError``::

    HarnessError
    ├── ToxiproxyError                 fault injection could not be set up or driven
    │   ├── ToxiproxyUnavailable       no Toxiproxy API answers at the URL (or it failed to start)
    │   └── ToxiproxyAPIError          the API answered {"error": ..., "status": ...}
    │       ├── ToxiproxyBadRequest    400: invalid JSON, unknown toxic type, bad stream, missing field
    │       ├── ToxiproxyNotFound      404: no such proxy or toxic
    │       └── ToxiproxyConflict      409: a proxy or toxic with that name already exists
    ├── ProxyConfigError               a ``--config`` file for the embedded proxy is unreadable or invalid
    ├── ClusterError                   the cluster (instances, HAProxy, Redis) could not start or act
    │   └── ClusterToolMissing         haproxy or redis-server is not installed (says what to install)
    └── ReferenceRefused               a run cannot stand as the committed reference (zen-harness reference)

Other harness areas add their leaves under ``HarnessError``.
"""

from __future__ import annotations


class HarnessError(Exception):
    """Base of every error the harness raises deliberately."""


class ToxiproxyError(HarnessError):
    """Fault injection through the Toxiproxy API failed."""


class ToxiproxyUnavailable(ToxiproxyError):
    """Nothing answers the Toxiproxy API at the given URL; start one or fix TOXIPROXY_URL."""


class ToxiproxyAPIError(ToxiproxyError):
    """The Toxiproxy API refused a request; ``status`` and ``message`` are its JSON error body.

    The embedded server raises these too, so both sides speak the same error shape.
    """

    def __init__(self, message: str, status: int) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.message = message
        self.status = status

    def to_json(self) -> dict[str, object]:
        """The body Toxiproxy sends for this error."""
        return {"error": self.message, "status": self.status}


class ToxiproxyBadRequest(ToxiproxyAPIError):
    """400: the request body or a field in it is invalid."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message, status)


class ToxiproxyNotFound(ToxiproxyAPIError):
    """404: the named proxy or toxic does not exist."""

    def __init__(self, message: str, status: int = 404) -> None:
        super().__init__(message, status)


class ToxiproxyConflict(ToxiproxyAPIError):
    """409: the name is already taken; pick another or delete the existing one first."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message, status)


class ProxyConfigError(HarnessError):
    """The embedded proxy's --config file could not be read or is not a JSON list of proxies."""


class ClusterError(HarnessError):
    """The cluster could not be started, or an action on it (kill, drain, restart) failed."""


class ClusterToolMissing(ClusterError):
    """A program the cluster needs (haproxy, redis-server) is not installed; the message says how."""


def api_error_for(message: str, status: int) -> ToxiproxyAPIError:
    """The most specific ``ToxiproxyAPIError`` leaf for an HTTP status."""
    leaf: dict[int, type[ToxiproxyAPIError]] = {
        400: ToxiproxyBadRequest,
        404: ToxiproxyNotFound,
        409: ToxiproxyConflict,
    }
    cls = leaf.get(status, ToxiproxyAPIError)
    return cls(message, status)


class ReferenceRefused(HarnessError):
    """This run cannot replace a committed reference report; the message says why and what to run."""
