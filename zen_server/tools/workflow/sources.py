"""The paths a workflow step names: checked when the step arrives, embedded at the end.

A thin layer over the file-access policy (``ctx.files``, ``zen_server.files``) so the
workflow tools follow exactly the path rule of every other tool. Checking happens on every
step, so a wrong path is reported while the agent still knows why it named it, not at the
final step; reading happens once, at the end, within a token budget, and re-applies the rule.
Images are checked here (type, signature, size) and loaded as data URLs only for the model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from zen_server.files import FileAccess
from zen_server.files.access import PathKind
from zen_server.tools import files as embedding
from zen_server.tools.files import EmbeddedFiles


async def check_path(raw: str, access: FileAccess, *, tool: str, field: str, kind: PathKind = "any") -> Path:
    """Resolve ``raw`` under the server's path rule or raise FileAccessError saying what to send."""
    return await access.check(raw, field=f"{tool} {field}", kind=kind)


async def check_paths(paths: Iterable[str], access: FileAccess, *, tool: str, field: str) -> None:
    await access.check_all(paths, field=f"{tool} {field}")


async def check_images(images: Iterable[str], access: FileAccess, *, tool: str) -> None:
    for image in images:
        await access.check_image(image, field=f"{tool} images")


async def embed_files(paths: Sequence[str], access: FileAccess, *, token_budget: int) -> EmbeddedFiles:
    """Each file's content once (directories expanded), in order, until the budget is spent."""
    expanded = await access.expand([p for p in paths if not p.startswith("data:")], field="relevant_files")
    embedded = await embedding.embed_files(expanded.files, token_budget, access)
    if not expanded.withheld:
        return embedded
    return EmbeddedFiles(
        embedded.text, embedded.included, (*embedded.omitted, *expanded.withheld), embedded.tokens
    )


__all__ = ["EmbeddedFiles", "check_images", "check_path", "check_paths", "embed_files"]
