"""files.images and FileAccess.load_images: extension, signature, 20 MB, data URLs alike."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from zen_server.config import Settings
from zen_server.errors import FileAccessError
from zen_server.files import FileAccess, shared_pool
from zen_server.files.images import parse_data_url

PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
JPEG = b"\xff\xd8\xff\xe0" + bytes(32)
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(16)


@pytest.fixture
def access() -> FileAccess:
    return FileAccess.from_settings(Settings(), shared_pool())


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [("a.png", PNG, "image/png"), ("b.JPG", JPEG, "image/jpeg"), ("c.webp", WEBP, "image/webp")],
)
async def test_an_image_file_becomes_a_data_url(
    access: FileAccess, tmp_path: Path, name: str, content: bytes, mime: str
) -> None:
    (tmp_path / name).write_bytes(content)
    (loaded,) = await access.load_images([str(tmp_path / name)])
    assert loaded == f"data:{mime};base64,{base64.b64encode(content).decode()}"


async def test_a_jpeg_named_png_is_refused(access: FileAccess, tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(JPEG)
    with pytest.raises(FileAccessError, match="does not look like a PNG image"):
        await access.check_image(str(tmp_path / "a.png"), field="images")


async def test_the_cap_is_checked_on_stat_before_reading(tmp_path: Path) -> None:
    access = FileAccess.from_settings(Settings(zen_max_image_mb=1), shared_pool())
    big = tmp_path / "big.png"
    with big.open("wb") as handle:
        handle.write(PNG)
        handle.truncate(1_048_577)
    with pytest.raises(FileAccessError, match="limited to 1 MB"):
        await access.load_images([str(big)])


def test_data_urls_follow_the_same_rules() -> None:
    good = "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert parse_data_url(good, "images") == ("image/png", base64.b64encode(PNG).decode())
    bad = {
        "data:text/plain;base64,aGVsbG8=": "not a supported image type",
        "data:image/png,rawbytes": "must be base64",
        "data:image/png;base64,!!!!": "malformed",
        "data:image/png;base64," + base64.b64encode(b"hello world, really").decode(): "does not look like",
        "data:image/png;base64," + "A" * (4 * 1024 * 1024): "limited to",
    }
    for ref, message in bad.items():
        with pytest.raises(FileAccessError, match=message):
            parse_data_url(ref, "images", cap=1024 * 1024)


async def test_an_image_path_follows_the_path_rule(access: FileAccess, tmp_path: Path) -> None:
    (tmp_path / ".env.png").write_bytes(PNG)
    with pytest.raises(FileAccessError, match="secret"):
        await access.load_images([str(tmp_path / ".env.png")])
