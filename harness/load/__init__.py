"""Load profiles for MCP servers, run by Locust: users that speak MCP, shapes, a tool mix.

Public names are re-exported here. ``locustfile.py`` is loaded by Locust only (it imports
gevent-patched Locust), never by this package.
"""

from harness.launcher import FakeProviders, HttpServerProcess, provider_env
from harness.load.errors import LoadError, ProfileError
from harness.load.http_session import McpHttpSession
from harness.load.mix import PlannedCall, ToolMixPlanner
from harness.load.profile import Profile, bundled_profiles, load_profile
from harness.load.runner import LoadRun, run_profile
from harness.load.stdio_session import McpStdioSession
from harness.load.summary import LoadSummary, SloCheck
from harness.load.wire import ToolReply, WireError

__all__ = [
    "FakeProviders",
    "HttpServerProcess",
    "LoadError",
    "LoadRun",
    "LoadSummary",
    "McpHttpSession",
    "McpStdioSession",
    "PlannedCall",
    "Profile",
    "ProfileError",
    "SloCheck",
    "ToolMixPlanner",
    "ToolReply",
    "WireError",
    "bundled_profiles",
    "load_profile",
    "provider_env",
    "run_profile",
]
