"""The path rule: which client paths the server may read, decided before anything is opened.

A path from a client is checked twice, as sent (lexically) and resolved (symlinks followed):

1. as a string: absolute (``~`` expanded, as the original server does), no ``..``
   component, no NUL or other control character;
2. neither form under a kernel location (/proc, /sys, /dev), nor under a system location
   (/etc, /usr, /root, /var/log...) unless an allowed root sits inside that location;
3. with ``ZEN_ALLOWED_ROOTS`` set, the resolved path inside one of the roots, so a symlink
   inside a root never leads out of it;
4. neither form a secret by name (.env, id_rsa, *.pem, .ssh/..., .git/config).

Checking both forms matters: ``/proc/self/cwd/x`` resolves to an ordinary file but names
the process's own view; a link ``notes.txt -> ~/.ssh/id_rsa`` is ordinary by its name only.
This module does path arithmetic and ``realpath`` only; opening is ``opening.py``'s job.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from zen_server.errors import FileAccessError
from zen_server.files.denylist import KERNEL_LOCATIONS, SYSTEM_LOCATIONS, secret_reason

if TYPE_CHECKING:
    from zen_server.config import Settings


def _locations(names: tuple[str, ...]) -> tuple[str, ...]:
    # Both spellings: /lib is /usr/lib on merged-usr systems, /etc is /private/etc on macOS.
    found: dict[str, None] = {}
    for name in names:
        found[name] = None
        found[os.path.realpath(name)] = None
    return tuple(found)


_KERNEL = _locations(KERNEL_LOCATIONS)
_SYSTEM = _locations(SYSTEM_LOCATIONS)


def inside(path: Path | str, root: Path | str) -> bool:
    """``path`` is ``root`` or below it; both absolute and normalised (string test: pathlib's is slow)."""
    path_text, root_text = str(path), str(root)
    if path_text == root_text:
        return True
    prefix = root_text if root_text.endswith("/") else root_text + "/"
    return path_text.startswith(prefix)


def shown(raw: str) -> str:
    """A client path as it may appear in a message: quoted when it holds control characters."""
    return raw if raw.isprintable() else repr(raw)


@dataclass(frozen=True, slots=True)
class PathPolicy:
    """The rule for one server: its allowed roots (resolved); empty means "anywhere not refused"."""

    roots: tuple[Path, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> PathPolicy:
        return cls(tuple(settings.allowed_roots))

    def parse(self, raw: object, *, field: str) -> Path:
        """The client's string as an absolute, normalised path; string rules only, no I/O."""
        if not isinstance(raw, str) or not raw.strip():
            raise FileAccessError(
                f"{field} contains an empty path; send full absolute paths such as /home/me/app.py"
            )
        if "\x00" in raw:
            raise FileAccessError(f"{field}: {shown(raw)} contains a NUL byte; send a plain absolute path")
        if any(unicodedata.category(ch) == "Cc" for ch in raw):
            raise FileAccessError(
                f"{field}: {shown(raw)} contains a control character (newline, tab...); "
                "send a plain absolute path"
            )
        path = Path(os.path.expanduser(raw.strip()))
        if not path.is_absolute():
            raise FileAccessError(
                f"{field}: {raw!r} is a relative path; send the FULL absolute path "
                f"(e.g. /home/me/project/{raw}), never a shortened or relative one"
            )
        if ".." in path.parts:
            raise FileAccessError(
                f"{field}: {raw} contains '..'; send the path without parent-directory steps"
            )
        return Path(os.path.normpath(path))

    def refusal(self, lexical: Path, resolved: Path) -> str | None:
        """Why a path (as sent, and resolved) may not be read: the end of a sentence, or None."""
        for path in (lexical, resolved):
            location = self._system_location(path)
            if location is not None:
                return (
                    f"is under {location}, a system location this server never reads (process memory, "
                    "devices, system configuration and logs are not project files); "
                    "send a file of your project"
                )
        if self.roots and not any(inside(str(resolved), str(root)) for root in self.roots):
            roots = ", ".join(str(r) for r in self.roots)
            return (
                f"is outside the directories this server may read ({roots}); send a path inside one of them"
            )
        for path in (lexical, resolved):
            reason = secret_reason(path.parts)
            if reason is not None:
                return (
                    f"looks like a secret ({reason}); this server never sends credentials to a model. "
                    "Describe what you need from it instead"
                )
        return None

    def resolve(self, raw: object, *, field: str) -> Path:
        """``raw`` checked and resolved; FileAccessError naming the field and the rule broken."""
        lexical = self.parse(raw, field=field)
        resolved = Path(os.path.realpath(lexical))
        reason = self.refusal(lexical, resolved)
        if reason is not None:
            raise FileAccessError(f"{field}: {shown(str(raw))} {reason}")
        return resolved

    def _system_location(self, path: Path) -> str | None:
        text = str(path)
        below = text + "/"
        for location in _KERNEL:
            if below.startswith(location + "/"):
                return location
        for location in _SYSTEM:
            if below.startswith(location + "/") and not self._opened_by_a_root(text, location):
                return location
        return None

    def _opened_by_a_root(self, path: str, location: str) -> bool:
        # An operator who set a root inside a system location chose to open that root.
        return any(inside(root, location) and inside(path, root) for root in self.roots)


__all__ = ["PathPolicy", "inside", "shown"]
