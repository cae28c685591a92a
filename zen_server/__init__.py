"""zen_server: a hardened, drop-in re-implementation of Zen MCP Server."""

__version__ = "0.1.0"
# The upstream release whose tool interface this server reproduces.
UPSTREAM_COMPAT_VERSION = "9.4.1"

__all__ = ["UPSTREAM_COMPAT_VERSION", "__version__"]
