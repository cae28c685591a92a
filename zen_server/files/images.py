"""Images a client names: an image extension, the matching magic bytes, and at most 20 MB.

A file path must name a known image type by its extension AND start with that type's
signature, so ``/etc/passwd``, a ``.env`` or a text file renamed ``x.png`` never goes out
as "an image". The size is checked on the descriptor's stat before reading and the read
takes at most cap + 1 bytes, so ``/dev/zero``-like inputs cannot grow memory (they are
refused earlier anyway: not regular files). ``data:`` URLs get the same type, signature
and size rules. 20 MB is the original server's limit.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass

from zen_server.errors import FileAccessError

MAX_IMAGE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ImageType:
    mime: str
    name: str
    matches: Callable[[bytes], bool]


def _starts(*signatures: bytes) -> Callable[[bytes], bool]:
    return lambda head: any(head.startswith(s) for s in signatures)


def _webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _heif(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in {b"heic", b"heix", b"hevc", b"heim", b"mif1", b"msf1"}


_PNG = ImageType("image/png", "PNG", _starts(b"\x89PNG\r\n\x1a\n"))
_JPEG = ImageType("image/jpeg", "JPEG", _starts(b"\xff\xd8\xff"))
_GIF = ImageType("image/gif", "GIF", _starts(b"GIF87a", b"GIF89a"))
_WEBP = ImageType("image/webp", "WebP", _webp)
_BMP = ImageType("image/bmp", "BMP", _starts(b"BM"))
_HEIF = ImageType("image/heic", "HEIC/HEIF", _heif)

IMAGE_TYPES: dict[str, ImageType] = {
    ".png": _PNG, ".jpg": _JPEG, ".jpeg": _JPEG, ".gif": _GIF, ".webp": _WEBP, ".bmp": _BMP,
    ".heic": _HEIF, ".heif": _HEIF,
}  # fmt: skip
_BY_MIME = {t.mime: t for t in IMAGE_TYPES.values()} | {"image/jpg": _JPEG, "image/heif": _HEIF}
HEADER_BYTES = 16


def _supported() -> str:
    return ", ".join(sorted(IMAGE_TYPES))


def type_for_suffix(suffix: str, label: str) -> ImageType:
    image_type = IMAGE_TYPES.get(suffix.lower())
    if image_type is None:
        raise FileAccessError(f"{label} is not an image (supported: {_supported()}); send an image file")
    return image_type


def check_size(size: int, label: str, cap: int = MAX_IMAGE_BYTES) -> None:
    if size > cap:
        raise FileAccessError(
            f"{label} is {size / 1_048_576:.1f} MB; images are limited to {cap / 1_048_576:.0f} MB, "
            "send a smaller one"
        )


def check_signature(head: bytes, image_type: ImageType, label: str) -> None:
    if not image_type.matches(head):
        raise FileAccessError(
            f"{label} does not look like a {image_type.name} image (its first bytes are not a "
            f"{image_type.name} signature); send a real image"
        )


def parse_data_url(ref: str, label: str, cap: int = MAX_IMAGE_BYTES) -> tuple[str, str]:
    """``(mime, base64 payload)`` of an inline image, checked like a file."""
    header, comma, payload = ref.partition(",")
    mime = header[5:].split(";", 1)[0].strip().lower()
    if not comma or ";base64" not in header.lower():
        raise FileAccessError(
            f"{label}: a data: URL image must be base64 encoded (data:image/png;base64,...)"
        )
    image_type = _BY_MIME.get(mime)
    if image_type is None:
        raise FileAccessError(f"{label}: data: URL type {mime or '(none)'!r} is not a supported image type")
    # Decoded size without decoding everything first: 3 bytes per 4 characters.
    check_size(len(payload) * 3 // 4, label, cap)
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise FileAccessError(f"{label}: the data: URL's base64 payload is malformed") from None
    check_signature(raw[:HEADER_BYTES], image_type, label)
    return image_type.mime, payload


def data_url(mime: str, payload: str) -> str:
    return f"data:{mime};base64,{payload}"


__all__ = [
    "HEADER_BYTES",
    "IMAGE_TYPES",
    "MAX_IMAGE_BYTES",
    "ImageType",
    "check_signature",
    "check_size",
    "data_url",
    "parse_data_url",
    "type_for_suffix",
]
