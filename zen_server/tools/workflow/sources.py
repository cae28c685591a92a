"""The paths a workflow step names: checked when the step arrives, embedded at the end.

A thin layer over ``zen_server.tools.files`` so the workflow tools follow exactly the path
rule of every other tool (absolute, existing, inside ZEN_ALLOWED_ROOTS when set). Checking
happens on every step, so a wrong path is reported while the agent still knows why it named
it, not at the final step; reading happens once, at the end, within a token budget.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from zen_server.errors import FileAccessError
from zen_server.tools import files
from zen_server.tools.files import EmbeddedFiles

if TYPE_CHECKING:
    from zen_server.config import Settings


def check_path(raw: str, settings: Settings, *, tool: str, field: str, want_dir: bool = False) -> Path:
    """Resolve ``raw`` under the server's path rule or raise FileAccessError saying what to send."""
    if raw.startswith("data:"):
        return Path(raw)  # images may be inline data URLs: nothing on disk to check
    resolved = files.validate_path(raw, settings.allowed_roots, field=f"{tool} {field}")
    if want_dir and not resolved.is_dir():
        raise FileAccessError(f"{tool} {field}: {raw} is not a directory; send the repository's directory")
    return resolved


def check_paths(paths: Iterable[str], settings: Settings, *, tool: str, field: str) -> None:
    for raw in paths:
        check_path(raw, settings, tool=tool, field=field)


async def embed_files(paths: Sequence[str], settings: Settings, *, token_budget: int) -> EmbeddedFiles:
    """Each file's content once (directories expanded), in order, until the budget is spent."""
    expanded = await files.expand_paths_async(
        [p for p in paths if not p.startswith("data:")], settings.allowed_roots, field="relevant_files"
    )
    return await files.embed_files(expanded, token_budget)


__all__ = ["EmbeddedFiles", "check_path", "check_paths", "embed_files"]
