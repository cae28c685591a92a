"""tools.files: path rules, directory expansion limits, numbered embedding within a budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from zen_server.errors import FileAccessError
from zen_server.tools.files import (
    embed_files,
    expand_paths,
    number_lines,
    read_files,
    take_prompt_file,
    validate_path,
)


def test_number_lines_right_aligns_and_normalises_line_endings() -> None:
    assert number_lines("a\r\nb") == "   1│ a\n   2│ b"
    assert number_lines("\n".join("x" * 10_000)).splitlines()[-1] == "10000│ x"


def test_directory_expansion_skips_hidden_binary_and_dependency_folders(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text("a")
    (tmp_path / "src" / "logo.png").write_bytes(b"\x89PNG")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "dep.js").write_text("x")
    (tmp_path / ".env").write_text("SECRET=1")
    assert expand_paths([str(tmp_path)], ()) == [str(tmp_path / "src" / "a.py")]


def test_directory_expansion_is_bounded(tmp_path: Path) -> None:
    for i in range(30):
        (tmp_path / f"f{i:02d}.txt").write_text("x")
    assert len(expand_paths([str(tmp_path)], (), max_files=7)) == 7


def test_duplicates_keep_first_position(tmp_path: Path) -> None:
    a = tmp_path / "a.py"
    a.write_text("a")
    assert expand_paths([str(a), str(tmp_path), str(a)], ()) == [str(a)]


def test_symlink_escaping_allowed_root_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("s")
    (root / "link.txt").symlink_to(secret)
    with pytest.raises(FileAccessError, match="outside the directories"):
        validate_path(str(root / "link.txt"), (root.resolve(),))


def test_home_directory_is_too_broad_to_scan() -> None:
    with pytest.raises(FileAccessError, match="too broad"):
        expand_paths([str(Path.home())], ())


def test_read_files_respects_budget_and_skips_binary(tmp_path: Path) -> None:
    small = tmp_path / "small.py"
    small.write_text("print(1)\n")
    big = tmp_path / "big.py"
    big.write_text("y = 2\n" * 2_000)
    binary = tmp_path / "blob.dat"
    binary.write_bytes(b"\x00\x01\x02")
    embedded = read_files([str(big), str(small), str(binary)], token_budget=200)
    assert embedded.included == (str(small),)
    assert embedded.omitted == (str(big), str(binary))
    assert "   1│ print(1)" in embedded.text and "not embedded" in embedded.text
    assert embedded.tokens <= 200 + 60  # the omission note is the only overflow


async def test_embed_files_runs_off_the_loop_and_handles_vanished_files(tmp_path: Path) -> None:
    gone = tmp_path / "gone.py"
    embedded = await embed_files([str(gone)], 1_000)
    assert embedded.included == () and embedded.omitted == (str(gone),)


async def test_take_prompt_file_splits_it_off(tmp_path: Path) -> None:
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("the real prompt")
    other = str(tmp_path / "a.py")
    text, rest = await take_prompt_file([str(prompt), other])
    assert (text, rest) == ("the real prompt", [other])
    assert await take_prompt_file([other]) == (None, [other])
