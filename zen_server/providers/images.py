"""Image inputs as the wire formats want them: (mime type, base64 data).

Tools pass images as ``data:`` URLs or absolute paths they already validated. Reading a
file is blocking I/O, so it runs in a worker thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
import base64
import mimetypes
from pathlib import Path

from zen_server.errors import FileAccessError


async def load_image(ref: str) -> tuple[str, str]:
    """``(mime_type, base64_data)`` for a data URL or an absolute file path."""
    if ref.startswith("data:"):
        header, _, data = ref.partition(",")
        mime = header[5:].split(";", 1)[0] or "image/png"
        return mime, data
    path = Path(ref)
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    try:
        raw = await asyncio.to_thread(path.read_bytes)
    except OSError as exc:
        raise FileAccessError(f"cannot read image {ref}: {exc.strerror or exc}") from exc
    return mime, base64.b64encode(raw).decode("ascii")


def data_url(mime: str, data: str) -> str:
    return f"data:{mime};base64,{data}"
