"""Workflow steps re-read files through the content cache: an edit between steps is always seen."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from zen_server.cache.file_cache import FileContentCache
from zen_server.files import FileAccess, FileIoPool, PathPolicy
from zen_server.tools.debug import DebugTool

OLD_NS = 1_600_000_000 * 1_000_000_000


async def run_with(h: Any, access: FileAccess, arguments: dict[str, Any]) -> None:
    """One call through the tool with the shared FileAccess, as a running server makes it."""
    ctx = h.ctx()
    ctx.file_access = access
    await h.tool.run(arguments, ctx)


def one_step_run(path: Path) -> dict[str, Any]:
    return {
        "step": "look at the file",
        "step_number": 1,
        "total_steps": 1,
        "next_step_required": False,
        "findings": "FINDING",
        "relevant_files": [str(path)],
        "model": "pro",
    }


async def test_an_edit_between_two_steps_reaches_the_model(make_harness: Any, tmp_path: Path) -> None:
    h = make_harness(DebugTool())
    access = FileAccess(PathPolicy(), FileIoPool(threads=2), content_cache=FileContentCache(1_000_000))
    source = tmp_path / "module.py"
    source.write_text("MARKER = 'before-edit'\n")
    os.utime(source, ns=(OLD_NS, OLD_NS))

    await run_with(h, access, one_step_run(source))
    await run_with(h, access, one_step_run(source))
    cache = access.content_cache
    assert cache is not None and cache.stats.hits >= 1  # the second run was served from cache

    # Same size, and the mtime put back: only the identity key's other parts can tell.
    source.write_text("MARKER = 'after--edit'\n")
    os.utime(source, ns=(OLD_NS, OLD_NS))
    await run_with(h, access, one_step_run(source))

    last_prompt = h.models.requests[-1].messages[-1].content
    assert "after--edit" in last_prompt and "before-edit" not in last_prompt
