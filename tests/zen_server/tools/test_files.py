"""tools.files: numbered embedding within a budget, through the file-access policy; prompt.txt."""

from __future__ import annotations

from pathlib import Path

import pytest

from zen_server.config import Settings
from zen_server.errors import FileAccessError
from zen_server.files import FileAccess, shared_pool
from zen_server.tools.files import embed_files, format_file, number_lines, take_prompt_file


@pytest.fixture
def access() -> FileAccess:
    return FileAccess.from_settings(Settings(), shared_pool())


def test_number_lines_right_aligns_and_normalises_line_endings() -> None:
    assert number_lines("a\r\nb") == "   1│ a\n   2│ b"
    assert number_lines("\n".join("x" * 10_000)).splitlines()[-1] == "10000│ x"


def test_a_file_without_a_known_modification_time_is_embedded_without_a_stamp() -> None:
    block = format_file("/src/app.py", "x = 1\n")
    assert "--- BEGIN FILE: /src/app.py ---" in block
    assert "last modified" not in block
    assert block.rstrip().endswith("--- END FILE: /src/app.py ---")
    stamped = format_file("/src/app.py", "x = 1\n", modified=0.0)
    assert "--- BEGIN FILE: /src/app.py (last modified 1970-01-01 00:00:00 UTC) ---" in stamped


async def test_embedding_respects_the_budget_and_skips_binary(tmp_path: Path, access: FileAccess) -> None:
    small = tmp_path / "small.py"
    small.write_text("print(1)\n")
    big = tmp_path / "big.py"
    big.write_text("y = 2\n" * 2_000)
    binary = tmp_path / "blob.dat"
    binary.write_bytes(b"\x00\x01\x02")
    embedded = await embed_files([str(big), str(small), str(binary)], 200, access)
    assert embedded.included == (str(small),)
    assert embedded.omitted == (str(big), str(binary))
    assert "   1│ print(1)" in embedded.text and "not embedded" in embedded.text
    assert embedded.tokens <= 200 + 60  # the omission note is the only overflow


async def test_vanished_and_refused_files_are_omitted_not_raised(tmp_path: Path, access: FileAccess) -> None:
    gone = tmp_path / "gone.py"
    secret = tmp_path / ".env"
    secret.write_text("KEY=1")
    embedded = await embed_files([str(gone), str(secret), "/etc/passwd"], 1_000, access)
    assert embedded.included == ()
    assert embedded.omitted == (str(gone), str(secret), "/etc/passwd")
    assert "KEY=1" not in embedded.text and "root:" not in embedded.text


async def test_files_recorded_earlier_are_judged_again_when_embedded(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "a.py").write_text("A = 1")
    narrowed = FileAccess.from_settings(Settings(zen_allowed_roots=str(tmp_path / "other")), shared_pool())
    embedded = await embed_files([str(project / "a.py")], 1_000, narrowed)
    assert embedded.omitted == (str(project / "a.py"),)


async def test_take_prompt_file_splits_it_off(tmp_path: Path, access: FileAccess) -> None:
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("the real prompt")
    other = str(tmp_path / "a.py")
    text, rest = await take_prompt_file([str(prompt), other], access)
    assert (text, rest) == ("the real prompt", [other])
    assert await take_prompt_file([other], access) == (None, [other])


async def test_a_prompt_file_that_cannot_be_read_as_text_is_refused(
    tmp_path: Path, access: FileAccess
) -> None:
    binary = tmp_path / "prompt.txt"
    binary.write_bytes(b"\x00\x01binary")
    with pytest.raises(FileAccessError, match=r"prompt\.txt could not be read as text"):
        await take_prompt_file([str(binary), str(tmp_path / "other.py")], access)
