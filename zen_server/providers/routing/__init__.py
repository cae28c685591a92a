"""Routing across deployments and regions: deployments as data, strategies, ejection, locality.

The gateway asks the :class:`Router` for an ordered choice of a model's deployments and
stays the one place that calls providers; see ``router`` for the rules.
"""

from zen_server.providers.routing.deployments import Deployment, load_deployments, parse_deployments
from zen_server.providers.routing.health import DeploymentHealth, EjectionPolicy
from zen_server.providers.routing.router import DeploymentView, Router
from zen_server.providers.routing.strategies import STRATEGIES, StrategyName

__all__ = [
    "STRATEGIES",
    "Deployment",
    "DeploymentHealth",
    "DeploymentView",
    "EjectionPolicy",
    "Router",
    "StrategyName",
    "load_deployments",
    "parse_deployments",
]
