"""The experiment's moving parts: fake providers, fault proxies, and the target server."""

from harness.chaos.environment.providers import FakeProviders
from harness.chaos.environment.proxies import FaultProxies
from harness.chaos.environment.target import TargetServer

__all__ = ["FakeProviders", "FaultProxies", "TargetServer"]
