"""Paths a client sends are refused with a fix, and embedded files are delimited unambiguously."""

from __future__ import annotations

from pathlib import Path

import pytest

from zen_server.errors import FileAccessError
from zen_server.tools.files import format_file, take_prompt_file, validate_path


@pytest.mark.parametrize("raw", ["", "   "])
def test_an_empty_path_is_refused_asking_for_a_full_absolute_path(raw: str) -> None:
    with pytest.raises(
        FileAccessError, match="absolute_file_paths contains an empty path; send full absolute"
    ):
        validate_path(raw, [])


def test_a_file_without_a_known_modification_time_is_embedded_without_a_stamp() -> None:
    block = format_file("/src/app.py", "x = 1\n")
    assert "--- BEGIN FILE: /src/app.py ---" in block
    assert "last modified" not in block
    assert block.rstrip().endswith("--- END FILE: /src/app.py ---")
    stamped = format_file("/src/app.py", "x = 1\n", modified=0.0)
    assert "--- BEGIN FILE: /src/app.py (last modified 1970-01-01 00:00:00 UTC) ---" in stamped


async def test_a_prompt_file_that_cannot_be_read_as_text_is_refused(tmp_path: Path) -> None:
    binary = tmp_path / "prompt.txt"
    binary.write_bytes(b"\x00\x01binary")
    with pytest.raises(FileAccessError, match=r"prompt\.txt could not be read as text"):
        await take_prompt_file([str(binary), str(tmp_path / "other.py")])
