"""Files in a prompt: embedding with line numbers within a token budget, and prompt.txt.

Which paths may be read, and the reading itself, belong to ``zen_server.files``
(:class:`~zen_server.files.FileAccess`): every file here is read through it, so the path
rule, the regular-file check and the I/O pool's deadline apply to each one, including
files recorded earlier in a conversation and embedded again now. Embedded files carry
numbered lines so the model can cite them; files that do not fit the budget, or that the
policy or the reader refused, are listed as omitted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from zen_server.conversation.budget import estimate_tokens
from zen_server.errors import FileAccessError
from zen_server.files import MAX_FILE_BYTES, FileAccess

PROMPT_FILE_NAME = "prompt.txt"


@dataclass(frozen=True, slots=True)
class EmbeddedFiles:
    """File contents ready for a prompt, and what had to be left out."""

    text: str
    included: tuple[str, ...]
    omitted: tuple[str, ...]  # too large for the budget, binary, refused, unreadable or gone
    tokens: int


def number_lines(text: str) -> str:
    """Prefix each line with its 1-based number, right aligned, as ``  12│ code``."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    width = max(4, len(str(len(lines))))
    return "\n".join(f"{i:>{width}}│ {line}" for i, line in enumerate(lines, start=1))


def format_file(path: str, text: str, modified: float | None = None) -> str:
    """One file as embedded in a prompt, delimited so the model sees where it starts and ends."""
    stamp = ""
    if modified is not None:
        stamp = f" (last modified {datetime.fromtimestamp(modified, tz=UTC):%Y-%m-%d %H:%M:%S} UTC)"
    return f"\n--- BEGIN FILE: {path}{stamp} ---\n{number_lines(text)}\n--- END FILE: {path} ---\n"


async def embed_files(paths: Sequence[str], token_budget: int, files: FileAccess) -> EmbeddedFiles:
    """Embed ``paths`` in order while they fit ``token_budget``, each read through ``files``."""
    blocks: list[str] = []
    included: list[str] = []
    omitted: list[str] = []
    used = 0
    budget = max(0, token_budget)
    for path in paths:
        read = await files.read_text(path)
        if read.text is None:
            omitted.append(path)
            continue
        block = format_file(path, read.text, read.modified)
        cost = estimate_tokens(block)
        if used + cost > budget:
            omitted.append(path)
            continue
        blocks.append(block)
        included.append(path)
        used += cost
    if omitted:
        note = (
            f"\n[NOTE: {len(omitted)} file(s) not embedded (over the size budget, binary, refused by the "
            f"file policy, unreadable or missing): {', '.join(omitted)}]\n"
        )
        blocks.append(note)
        used += estimate_tokens(note)
    return EmbeddedFiles("".join(blocks), tuple(included), tuple(omitted), used)


async def take_prompt_file(paths: Sequence[str], files: FileAccess) -> tuple[str | None, list[str]]:
    """Split a ``prompt.txt`` off ``paths``: (its text, the other paths).

    Clients send prompts over the MCP size limit as a file named prompt.txt; its content
    then replaces the prompt field, as in the original server.
    """
    prompt_files = [p for p in paths if Path(p).name == PROMPT_FILE_NAME]
    rest = [p for p in paths if Path(p).name != PROMPT_FILE_NAME]
    if not prompt_files:
        return None, rest
    read = await files.read_text(prompt_files[0])
    if read.text is None:
        raise FileAccessError(
            f"{prompt_files[0]} could not be read as text (missing, binary, refused or over "
            f"{MAX_FILE_BYTES:,} bytes): {read.problem}"
        )
    return read.text, rest


__all__ = [
    "MAX_FILE_BYTES",
    "PROMPT_FILE_NAME",
    "EmbeddedFiles",
    "embed_files",
    "format_file",
    "number_lines",
    "take_prompt_file",
]
