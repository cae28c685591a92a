"""Image inputs as the wire formats want them: (mime type, base64 data).

Tools read image files under the file-access policy (``zen_server.files``) and hand
providers ``data:`` URLs only; a provider never opens a path. A reference that is not a
data URL is refused here, so a tool that forgot to load an image fails loudly instead of
sending whatever a path names.
"""

from __future__ import annotations

from zen_server.errors import FileAccessError


def load_image(ref: str) -> tuple[str, str]:
    """``(mime_type, base64_data)`` of a ``data:`` URL."""
    if not ref.startswith("data:"):
        raise FileAccessError(
            "an image reached the provider as a path, not as data read under the file policy; "
            "this is a server bug, please report it"
        )
    header, _, data = ref.partition(",")
    mime = header[5:].split(";", 1)[0] or "image/png"
    return mime, data


def data_url(mime: str, data: str) -> str:
    return f"data:{mime};base64,{data}"
