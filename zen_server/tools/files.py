"""Client file paths: validation, directory expansion, and embedding with line numbers.

Rules, checked before anything is read:
* every path must be absolute (``~`` is expanded, as the original server does);
* it must exist;
* with ``ZEN_ALLOWED_ROOTS`` set it must resolve (symlinks followed) inside one of them;
* a directory expands to the text files beneath it, skipping hidden entries and build or
  dependency folders, bounded in count; the filesystem root and the home directory itself
  are refused as too broad.

Reading happens in a worker thread (``asyncio.to_thread``) so a large tree never stalls
the event loop. Embedded files carry numbered lines so the model can cite them, and the
total is bounded by a token budget: files that do not fit are listed as omitted.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from zen_server.conversation.budget import estimate_tokens
from zen_server.errors import FileAccessError

MAX_FILE_BYTES = 1_000_000
MAX_EXPANDED_FILES = 500
# Directory entries looked at before giving up on a huge tree.
MAX_WALKED_ENTRIES = 20_000
PROMPT_FILE_NAME = "prompt.txt"
EXCLUDED_DIRS = frozenset(
    {"__pycache__", "node_modules", "venv", "env", "dist", "build", "target", "site-packages", "vendor"}
)
_BINARY_SUFFIXES = (
    ".png .jpg .jpeg .gif .bmp .ico .webp .tiff .pdf .zip .gz .tgz .bz2 .xz .7z .rar .tar .jar .war "
    ".class .so .dll .dylib .exe .bin .o .a .pyc .pyo .whl .db .sqlite .sqlite3 .mp3 .mp4 .wav .mov "
    ".avi .ttf .otf .woff .woff2 .eot .psd .parquet .pkl .npy .npz .onnx .pt"
)
BINARY_EXTENSIONS = frozenset(_BINARY_SUFFIXES.split())


@dataclass(frozen=True, slots=True)
class EmbeddedFiles:
    """File contents ready for a prompt, and what had to be left out."""

    text: str
    included: tuple[str, ...]
    omitted: tuple[str, ...]  # too large for the budget, binary, unreadable or gone
    tokens: int


def _absolute(raw: str, field: str) -> Path:
    if not isinstance(raw, str) or not raw.strip():
        raise FileAccessError(
            f"{field} contains an empty path; send full absolute paths such as /home/me/app.py"
        )
    path = Path(os.path.expanduser(raw.strip()))
    if not path.is_absolute():
        raise FileAccessError(
            f"{field}: {raw!r} is a relative path; send the FULL absolute path "
            f"(e.g. /home/me/project/{raw}), never a shortened or relative one"
        )
    return path


def _inside(path: Path, roots: Sequence[Path]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def validate_path(raw: str, allowed_roots: Sequence[Path], *, field: str = "absolute_file_paths") -> Path:
    """Check one client path (absolute, existing, inside the allowed roots); return it resolved."""
    path = _absolute(raw, field)
    resolved = path.resolve()
    if allowed_roots and not _inside(resolved, allowed_roots):
        roots = ", ".join(str(r) for r in allowed_roots)
        raise FileAccessError(
            f"{field}: {raw} is outside the directories this server may read ({roots}); "
            "send a path inside one of them"
        )
    if not resolved.exists():
        raise FileAccessError(
            f"{field}: {raw} does not exist; check the path and send an existing absolute path"
        )
    return resolved


def _too_broad(directory: Path) -> bool:
    return directory == Path(directory.anchor) or directory == Path.home().resolve()


def _walk_text_files(directory: Path, limit: int) -> list[Path]:
    found: list[Path] = []
    walked = 0
    for root, dirs, files in os.walk(directory):
        # Pruning in place stops os.walk from descending into hidden or bulky folders.
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in EXCLUDED_DIRS)
        for name in sorted(files):
            walked += 1
            if name.startswith(".") or Path(name).suffix.lower() in BINARY_EXTENSIONS:
                continue
            found.append(Path(root) / name)
            if len(found) >= limit or walked >= MAX_WALKED_ENTRIES:
                return found
    return found


def expand_paths(
    raw_paths: Iterable[str],
    allowed_roots: Sequence[Path],
    *,
    field: str = "absolute_file_paths",
    max_files: int = MAX_EXPANDED_FILES,
) -> list[str]:
    """Validate ``raw_paths`` and expand directories to files; order kept, duplicates dropped."""
    result: list[str] = []
    seen: set[str] = set()
    for raw in raw_paths:
        path = validate_path(raw, allowed_roots, field=field)
        if path.is_dir():
            if _too_broad(path):
                raise FileAccessError(
                    f"{field}: {raw} is too broad to scan (filesystem root or home directory); "
                    "send the project directory or specific files"
                )
            candidates = _walk_text_files(path, max_files)
        else:
            candidates = [path]
        for candidate in candidates:
            key = str(candidate)
            if key not in seen:
                seen.add(key)
                result.append(key)
            if len(result) >= max_files:
                return result
    return result


async def expand_paths_async(
    raw_paths: Sequence[str], allowed_roots: Sequence[Path], *, field: str = "absolute_file_paths"
) -> list[str]:
    """:func:`expand_paths` in a worker thread (directory walks can be slow)."""
    if not raw_paths:
        return []
    return await asyncio.to_thread(expand_paths, list(raw_paths), tuple(allowed_roots), field=field)


def number_lines(text: str) -> str:
    """Prefix each line with its 1-based number, right aligned, as ``  12│ code``."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    width = max(4, len(str(len(lines))))
    return "\n".join(f"{i:>{width}}│ {line}" for i, line in enumerate(lines, start=1))


def _read_text(path: str) -> str | None:
    """The file's text, or None when it is missing, too large, or binary."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_FILE_BYTES or b"\x00" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


def format_file(path: str, text: str, modified: float | None = None) -> str:
    """One file as embedded in a prompt, delimited so the model sees where it starts and ends."""
    stamp = ""
    if modified is not None:
        stamp = f" (last modified {datetime.fromtimestamp(modified, tz=UTC):%Y-%m-%d %H:%M:%S} UTC)"
    return f"\n--- BEGIN FILE: {path}{stamp} ---\n{number_lines(text)}\n--- END FILE: {path} ---\n"


def read_files(paths: Sequence[str], token_budget: int) -> EmbeddedFiles:
    """Embed ``paths`` in order while they fit ``token_budget``; blocking, see :func:`embed_files`."""
    blocks: list[str] = []
    included: list[str] = []
    omitted: list[str] = []
    used = 0
    for path in paths:
        text = _read_text(path)
        if text is None:
            omitted.append(path)
            continue
        try:
            modified: float | None = os.stat(path).st_mtime
        except OSError:
            modified = None
        block = format_file(path, text, modified)
        cost = estimate_tokens(block)
        if used + cost > token_budget:
            omitted.append(path)
            continue
        blocks.append(block)
        included.append(path)
        used += cost
    if omitted:
        note = (
            f"\n[NOTE: {len(omitted)} file(s) not embedded (over the size budget, binary, unreadable or "
            f"missing): {', '.join(omitted)}]\n"
        )
        blocks.append(note)
        used += estimate_tokens(note)
    return EmbeddedFiles("".join(blocks), tuple(included), tuple(omitted), used)


async def embed_files(paths: Sequence[str], token_budget: int) -> EmbeddedFiles:
    """:func:`read_files` in a worker thread so reading never blocks the event loop."""
    if not paths:
        return EmbeddedFiles("", (), (), 0)
    return await asyncio.to_thread(read_files, list(paths), max(0, token_budget))


async def take_prompt_file(paths: Sequence[str]) -> tuple[str | None, list[str]]:
    """Split a ``prompt.txt`` off ``paths``: (its text, the other paths).

    Clients send prompts over the MCP size limit as a file named prompt.txt; its content
    then replaces the prompt field, as in the original server.
    """
    prompt_files = [p for p in paths if Path(p).name == PROMPT_FILE_NAME]
    rest = [p for p in paths if Path(p).name != PROMPT_FILE_NAME]
    if not prompt_files:
        return None, rest
    text = await asyncio.to_thread(_read_text, prompt_files[0])
    if text is None:
        raise FileAccessError(
            f"{prompt_files[0]} could not be read as text (missing, binary or over {MAX_FILE_BYTES:,} bytes)"
        )
    return text, rest


__all__ = [
    "BINARY_EXTENSIONS",
    "EXCLUDED_DIRS",
    "MAX_EXPANDED_FILES",
    "MAX_FILE_BYTES",
    "PROMPT_FILE_NAME",
    "EmbeddedFiles",
    "embed_files",
    "expand_paths",
    "expand_paths_async",
    "format_file",
    "number_lines",
    "read_files",
    "take_prompt_file",
    "validate_path",
]
