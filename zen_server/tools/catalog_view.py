"""What the core tools read from the model catalog, as structural types.

``zen_server.providers.catalog.ModelCatalog`` / ``ModelSpec`` satisfy these protocols;
coding the tools against the protocols keeps them testable with a tiny fake catalog and
keeps the tools from depending on how the catalog is built.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol


class ModelInfo(Protocol):
    """The facts about one model that tools use (a read-only view of ModelSpec)."""

    @property
    def name(self) -> str: ...
    @property
    def provider(self) -> str: ...
    @property
    def aliases(self) -> Collection[str]: ...
    @property
    def context_window(self) -> int: ...
    @property
    def max_output_tokens(self) -> int: ...
    @property
    def supports_images(self) -> bool: ...
    @property
    def supports_thinking(self) -> bool: ...
    @property
    def supports_temperature(self) -> bool: ...
    @property
    def intelligence_score(self) -> int: ...
    @property
    def description(self) -> str: ...


class CatalogView(Protocol):
    """The catalog questions tools ask (a view of ModelCatalog)."""

    def resolve(self, name: str) -> ModelInfo:
        """Model for a name or alias; raises UnknownModelError listing what is available."""
        ...

    def available(self) -> Sequence[ModelInfo]:
        """Models of configured providers, restrictions applied."""
        ...

    def all_models(self) -> Sequence[ModelInfo]:
        """Every model the catalog knows, configured or not."""
        ...

    def pick_auto(self, tool_name: str) -> ModelInfo:
        """The model auto mode uses for ``tool_name``."""
        ...

    def configured_providers(self) -> Collection[str]:
        """Names of the providers that have credentials/endpoints set."""
        ...


__all__ = ["CatalogView", "ModelInfo"]
