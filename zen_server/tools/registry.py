"""Which tools this server offers: the explicit core list, workflow tools found by import,
and the DISABLED_TOOLS filter.

Adding a tool means adding its module: core tools are listed in ``CORE_TOOL_CLASSES``;
the workflow tools (thinkdeep, codereview, ...) are picked up from their modules under
``zen_server.tools`` when those exist. Order follows the original server's tools/list.
As in the original, ``version`` and ``listmodels`` cannot be disabled.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

from zen_server.config import Settings
from zen_server.errors import ConfigurationError, ToolInputError
from zen_server.tools.base import Tool
from zen_server.tools.challenge import ChallengeTool
from zen_server.tools.chat import ChatTool
from zen_server.tools.listmodels import ListModelsTool
from zen_server.tools.validation import checked_arguments
from zen_server.tools.version import VersionTool

if TYPE_CHECKING:
    from zen_server.providers.catalog import ModelCatalog


CORE_TOOL_CLASSES: tuple[type[Tool], ...] = (ChatTool, ChallengeTool, ListModelsTool, VersionTool)
# The original server's tools/list order; tools not named here come last, by name.
UPSTREAM_ORDER = (
    "chat", "clink", "jules", "thinkdeep", "planner", "consensus", "codereview", "precommit", "debug",
    "secaudit", "docgen", "analyze", "refactor", "tracer", "testgen", "challenge", "apilookup", "listmodels",
    "version",
)  # fmt: skip
# Modules under zen_server.tools that hold one more tool each, imported when present.
OPTIONAL_TOOL_MODULES = tuple(
    name for name in UPSTREAM_ORDER if name not in {"chat", "challenge", "listmodels", "version"}
)
ESSENTIAL_TOOLS = frozenset({"version", "listmodels"})


def _tool_classes_in(module: ModuleType) -> list[type[Tool]]:
    return [
        obj
        for obj in vars(module).values()
        if inspect.isclass(obj)
        and issubclass(obj, Tool)
        and obj.__module__ == module.__name__
        and not inspect.isabstract(obj)
        and isinstance(getattr(obj, "name", None), str)
    ]


def discover_tool_classes(modules: Iterable[str] = OPTIONAL_TOOL_MODULES) -> list[type[Tool]]:
    """Tool classes from the optional modules that exist; a broken module raises, never hides."""
    found: list[type[Tool]] = []
    for short in modules:
        qualified = f"zen_server.tools.{short}"
        if importlib.util.find_spec(qualified) is None:
            continue
        found += _tool_classes_in(importlib.import_module(qualified))
    return found


def all_tool_classes() -> list[type[Tool]]:
    """Core and discovered tool classes, one per name, in upstream order."""
    by_name: dict[str, type[Tool]] = {}
    for cls in (*CORE_TOOL_CLASSES, *discover_tool_classes()):
        by_name.setdefault(cls.name, cls)
    rank = {name: index for index, name in enumerate(UPSTREAM_ORDER)}
    return sorted(by_name.values(), key=lambda c: (rank.get(c.name, len(rank)), c.name))


class ToolRegistry:
    """The enabled tools by name."""

    def __init__(
        self, tools: Iterable[Tool], *, disabled: Iterable[str] = (), warnings: Iterable[str] = ()
    ) -> None:
        self._tools: dict[str, Tool] = {}
        for tool in tools:
            if tool.name in self._tools:
                raise ValueError(f"two tools are named {tool.name!r}")
            self._tools[tool.name] = tool
        self._disabled = frozenset(disabled)
        self.warnings = tuple(warnings)  # logged by the server at start

    @classmethod
    def default(cls, settings: Settings) -> ToolRegistry:
        """Every known tool, minus DISABLED_TOOLS (version and listmodels always stay).

        A tool name this server does not have (a typo) in DISABLED_TOOLS or ZEN_TOOL_DEADLINES
        is a ConfigurationError: a tool meant to be hidden must not stay exposed, or unbounded,
        by a slip of the keyboard. Every upstream tool is here, so an upstream ``.env`` passes.
        """
        classes = all_tool_classes()
        known = {c.name for c in classes}
        check_tool_names("ZEN_TOOL_DEADLINES", set(settings.zen_tool_deadlines), known)
        requested = settings.disabled_tool_names
        check_tool_names("DISABLED_TOOLS", set(requested), known)
        warnings: list[str] = []
        if requested & ESSENTIAL_TOOLS:
            names = ", ".join(sorted(requested & ESSENTIAL_TOOLS))
            warnings.append(f"DISABLED_TOOLS cannot disable {names}; they stay enabled")
        disabled = (requested & known) - ESSENTIAL_TOOLS
        tools = [c() for c in classes if c.name not in disabled]
        for tool in tools:
            tool.check_configuration(settings)
        return cls(tools, disabled=disabled, warnings=warnings)

    def get(self, name: str) -> Tool:
        tool = self._tools.get(name)
        if tool is not None:
            return tool
        if name in self._disabled:
            raise ToolInputError(
                f"tool '{name}' is disabled on this server (DISABLED_TOOLS); use another tool"
            )
        raise ToolInputError(f"unknown tool '{name}'; available tools: {', '.join(self._tools)}")

    def names(self) -> list[str]:
        return list(self._tools)

    def tools(self) -> list[Tool]:
        return list(self._tools.values())

    @property
    def disabled(self) -> frozenset[str]:
        return self._disabled

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def validate(
        self, name: str, arguments: Any, catalog: ModelCatalog, settings: Settings
    ) -> dict[str, Any]:
        """Find the tool and check ``arguments`` against its schema and the MCP prompt limit.

        Raises ToolInputError (unknown tool, missing/wrong argument) or PromptTooLargeError.
        """
        return checked_arguments(self.get(name), arguments, catalog, settings)


def check_tool_names(variable: str, names: set[str], known: set[str]) -> None:
    """Raise a ConfigurationError naming ``variable`` when it names tools outside ``known``."""
    unknown = sorted(names - known)
    if unknown:
        raise ConfigurationError(
            f"{variable}: unknown tool(s) {', '.join(unknown)}; tools: {', '.join(sorted(known))}"
        )


def tool_listing(
    registry: ToolRegistry, catalog: ModelCatalog, settings: Settings
) -> list[Mapping[str, Any]]:
    """tools/list entries (name, title, description, inputSchema) for the MCP adapter."""
    return [
        {
            "name": tool.name,
            "title": tool.title or tool.name,
            "description": tool.description,
            "inputSchema": tool.input_schema(catalog, settings),
        }
        for tool in registry.tools()
    ]


__all__ = [
    "CORE_TOOL_CLASSES",
    "ESSENTIAL_TOOLS",
    "OPTIONAL_TOOL_MODULES",
    "UPSTREAM_ORDER",
    "ToolRegistry",
    "all_tool_classes",
    "discover_tool_classes",
    "tool_listing",
]
