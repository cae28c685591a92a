"""How a server under test is named and placed: its command line, its placeholders, a free port."""

from __future__ import annotations

import shutil
import socket
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

ZEN_HTTP_COMMAND: tuple[str, ...] = (
    "{python}", "-m", "zen_server", "--transport", "http", "--host", "127.0.0.1", "--port", "{port}",
)  # fmt: skip
ZEN_STDIO_COMMAND: tuple[str, ...] = ("{python}", "-m", "zen_server")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody held a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def zen_server_command() -> list[str]:
    """The ``zen-server`` script beside this interpreter, else on PATH, else ``python -m zen_server``."""
    script = Path(sys.executable).with_name("zen-server")
    if script.exists():
        return [str(script)]
    found = shutil.which("zen-server")
    return [found] if found else [sys.executable, "-m", "zen_server"]


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace ``{key}`` placeholders (plain replacement: other braces are left alone)."""
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def expand(command: Sequence[str], **values: str) -> list[str]:
    """``command`` with ``{port}``, ``{python}``... placeholders filled in."""
    fills = {"python": sys.executable, **values}
    return [fill(part, fills) for part in command]


__all__ = ["ZEN_HTTP_COMMAND", "ZEN_STDIO_COMMAND", "expand", "fill", "free_port", "zen_server_command"]
