"""FileAccess: the one way a tool turns a client path into checked paths, text or an image.

Every operation applies the path rule (``policy.py``), opens only regular files
(``opening.py``) and runs on the file I/O pool (``io_pool.py``) within the call's deadline:

* ``check``: a path the tool will use (a file, a directory, or either), resolved;
* ``expand``: paths with directories expanded, each file found checked like a sent one;
* ``read_text``: one file's text for a prompt (None with the reason when it cannot be used);
* ``check_image`` / ``load_images``: images by extension, signature and size, as data URLs.

Nothing here trusts an earlier check: reading re-applies the rule to the path it reads,
so a path recorded in a conversation and re-read later is judged again. The one thing
remembered is a passed *directory* check, for a few seconds (``recent_dirs.py``): it
vouches for no read, and skipping its thread hop is most of a chat call's own cost.
"""

from __future__ import annotations

import base64
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from zen_server.cache.file_cache import CachedText, FileContentCache, FileIdentity, now_ns, text_entry
from zen_server.errors import FileAccessError
from zen_server.files import images, opening
from zen_server.files.io_pool import FileIoPool
from zen_server.files.policy import PathPolicy, shown
from zen_server.files.recent_dirs import RecentDirectories
from zen_server.files.walk import MAX_EXPANDED_FILES, too_broad, walk_text_files

if TYPE_CHECKING:
    from zen_server.config import Settings

MAX_FILE_BYTES = 1_000_000
_BINARY_PROBE = 8192
PathKind = Literal["any", "file", "dir"]


@dataclass(frozen=True, slots=True)
class ExpandedPaths:
    """Files in the order the client named them (directories expanded), and what was withheld."""

    files: tuple[str, ...]
    withheld: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FileText:
    """A file's text and modification time, or why it cannot be embedded."""

    path: str
    text: str | None
    modified: float | None = None
    problem: str | None = None
    sha256: str | None = None  # of the bytes read


_shared_pool: FileIoPool | None = None


def shared_pool() -> FileIoPool:
    """A process-wide pool for file access built without one (tests, tools run outside a server)."""
    global _shared_pool
    if _shared_pool is None:
        _shared_pool = FileIoPool()
    return _shared_pool


class FileAccess:
    """The file-access policy of one server: its path rule, its I/O pool and its limits."""

    def __init__(
        self,
        policy: PathPolicy,
        pool: FileIoPool,
        *,
        max_image_bytes: int = images.MAX_IMAGE_BYTES,
        content_cache: FileContentCache | None = None,
    ) -> None:
        self.policy = policy
        self.pool = pool
        self.max_image_bytes = max_image_bytes
        self.content_cache = content_cache
        self.recent_dirs = RecentDirectories()

    @classmethod
    def from_settings(cls, settings: Settings, pool: FileIoPool | None = None) -> FileAccess:
        if pool is None:
            pool = FileIoPool(
                threads=settings.zen_file_io_threads, read_timeout_s=settings.zen_file_read_timeout_s
            )
        max_image_bytes = settings.zen_max_image_mb * 1_048_576
        cache_bytes = settings.zen_file_cache_mb * 1_048_576
        cache = FileContentCache(cache_bytes, wait_s=pool.read_timeout_s) if cache_bytes else None
        return cls(
            PathPolicy.from_settings(settings), pool, max_image_bytes=max_image_bytes, content_cache=cache
        )

    # --- paths ------------------------------------------------------------------------------------
    async def check(self, raw: str, *, field: str, kind: PathKind = "any") -> Path:
        """``raw`` resolved, allowed, existing, and a regular file or directory as ``kind`` asks."""
        if kind == "dir" and (known := self.recent_dirs.get(raw, field)) is not None:
            return known
        resolved = await self.pool.run(self._check, raw, field, kind, what=f"checking {field}")
        if kind == "dir":
            self.recent_dirs.remember(raw, field, resolved)
        return resolved

    async def check_all(self, raws: Iterable[str], *, field: str, kind: PathKind = "any") -> None:
        for raw in raws:
            await self.check(raw, field=field, kind=kind)

    async def expand(
        self, raws: Sequence[str], *, field: str, max_files: int = MAX_EXPANDED_FILES
    ) -> ExpandedPaths:
        """Checked paths with directories expanded; order kept, duplicates dropped, bounded."""
        if not raws:
            return ExpandedPaths(())
        return await self.pool.run(self._expand, list(raws), field, max_files, what=f"expanding {field}")

    def _check(self, raw: str, field: str, kind: PathKind) -> Path:
        resolved = self.policy.resolve(raw, field=field)
        label = f"{field}: {shown(raw)}"
        info = opening.stat_path(resolved, label)
        if stat.S_ISDIR(info.st_mode):
            if kind == "file":
                raise FileAccessError(f"{label} is a directory; send the path of a file")
            return resolved
        if kind == "dir":
            raise FileAccessError(f"{label} is not a directory; send an existing directory")
        opening.require_regular(info, label)
        return resolved

    def _expand(self, raws: list[str], field: str, max_files: int) -> ExpandedPaths:
        files: dict[str, None] = {}
        withheld: list[str] = []
        for raw in raws:
            path = self._check(raw, field, "any")
            if path.is_dir():
                if too_broad(path):
                    raise FileAccessError(
                        f"{field}: {shown(raw)} is too broad to scan (filesystem root or home directory); "
                        "send the project directory or specific files"
                    )
                walked = walk_text_files(path, self.policy, max_files)
                found = walked.files
                withheld += [str(p) for p in walked.withheld]
            else:
                found = [path]
            for candidate in found:
                files.setdefault(str(candidate), None)
                if len(files) >= max_files:
                    return ExpandedPaths(tuple(files), tuple(withheld))
        return ExpandedPaths(tuple(files), tuple(withheld))

    # --- text -------------------------------------------------------------------------------------
    async def read_text(self, path: str, *, cap: int = MAX_FILE_BYTES) -> FileText:
        """The text of ``path`` (re-checked), or a FileText saying why not; never raises for the file."""
        try:
            return await self.pool.run(self._read_text, path, cap, what=f"reading {shown(path)}")
        except FileAccessError as exc:
            return FileText(path, None, problem=str(exc))

    def _read_text(self, path: str, cap: int) -> FileText:
        resolved = self.policy.resolve(path, field="file")
        label = f"file: {shown(path)}"
        fd, info = opening.open_regular(resolved, label)
        try:
            identity = FileIdentity.of(str(resolved), info)
            if self.content_cache is None:
                entry = _read_entry(fd, identity, cap, label)
            else:
                entry = self.content_cache.get_or_read(
                    identity, cap, lambda: _read_entry(fd, identity, cap, label)
                )
        finally:
            os.close(fd)
        return FileText(
            path,
            entry.text,
            modified=entry.modified if entry.text is not None else None,
            problem=entry.problem,
            sha256=entry.sha256,
        )

    # --- images -----------------------------------------------------------------------------------
    async def check_image(self, ref: str, *, field: str) -> None:
        """Refuse what is not an acceptable image, reading no more than its first bytes."""
        if ref.startswith("data:"):
            images.parse_data_url(ref, field, self.max_image_bytes)
            return
        await self.pool.run(self._image, ref, field, False, what=f"checking {field}")

    async def load_images(self, refs: Sequence[str], *, field: str = "images") -> tuple[str, ...]:
        """Each image as a data URL, checked and read under the policy; order kept."""
        loaded: list[str] = []
        for ref in refs:
            if ref.startswith("data:"):
                mime, payload = images.parse_data_url(ref, field, self.max_image_bytes)
                loaded.append(images.data_url(mime, payload))
            else:
                loaded.append(await self.pool.run(self._image, ref, field, True, what=f"reading {field}"))
        return tuple(loaded)

    def _image(self, ref: str, field: str, keep: bool) -> str:
        resolved = self.policy.resolve(ref, field=field)
        label = f"{field}: {shown(ref)}"
        image_type = images.type_for_suffix(resolved.suffix, label)
        fd, info = opening.open_regular(resolved, label)
        try:
            images.check_size(info.st_size, label, self.max_image_bytes)
            data = opening.read_at_most(fd, self.max_image_bytes + 1 if keep else images.HEADER_BYTES)
        finally:
            os.close(fd)
        if keep:
            images.check_size(len(data), label, self.max_image_bytes)  # it grew after the stat
        images.check_signature(data[: images.HEADER_BYTES], image_type, label)
        return images.data_url(image_type.mime, base64.b64encode(data).decode("ascii")) if keep else ""


def _read_entry(fd: int, identity: FileIdentity, cap: int, label: str) -> CachedText:
    """Read the open file once; refuse it if its stat moved while it was read (a writer was busy)."""
    data = opening.read_at_most(fd, cap + 1)
    if FileIdentity.of(identity.path, os.fstat(fd)) != identity:
        raise FileAccessError(f"{label} changed while it was being read (being written?); send it again")
    problem = None
    if len(data) > cap:
        problem = f"over {cap:,} bytes"
    elif b"\x00" in data[:_BINARY_PROBE]:
        problem = "binary"
    return text_entry(data, identity, problem=problem, now_ns=now_ns())


__all__ = ["MAX_FILE_BYTES", "ExpandedPaths", "FileAccess", "FileText", "shared_pool"]
