"""FileAccess.expand: directories become checked files; links out, FIFOs and secrets are withheld."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from zen_server.config import Settings
from zen_server.errors import FileAccessError
from zen_server.files import FileAccess, shared_pool


def access_for(**settings: object) -> FileAccess:
    return FileAccess.from_settings(Settings(**settings), shared_pool())  # type: ignore[arg-type]


async def test_expansion_skips_hidden_binary_and_dependency_folders(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text("a")
    (tmp_path / "src" / "logo.png").write_bytes(b"\x89PNG")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "dep.js").write_text("x")
    (tmp_path / ".env").write_text("SECRET=1")
    expanded = await access_for().expand([str(tmp_path)], field="f")
    assert expanded.files == (str(tmp_path / "src" / "a.py"),)


async def test_expansion_is_bounded_and_keeps_first_positions(tmp_path: Path) -> None:
    for i in range(30):
        (tmp_path / f"f{i:02d}.txt").write_text("x")
    assert len((await access_for().expand([str(tmp_path)], field="f", max_files=7)).files) == 7
    first = str(tmp_path / "f05.txt")
    expanded = await access_for().expand([first, str(tmp_path), first], field="f")
    assert expanded.files[0] == first and expanded.files.count(first) == 1


async def test_links_out_of_the_roots_fifos_and_secret_targets_are_withheld(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "ok.py").write_text("ok")
    (tmp_path / "outside.txt").write_text("outside")
    (root / "out.txt").symlink_to(tmp_path / "outside.txt")
    (root / "hosts.txt").symlink_to("/etc/hosts")
    os.mkfifo(root / "pipe.txt")
    (root / "linked_dir").symlink_to(tmp_path)
    expanded = await access_for(zen_allowed_roots=str(root)).expand([str(root)], field="f")
    real_root = root.resolve()
    assert expanded.files == (str(real_root / "ok.py"),)
    assert set(expanded.withheld) == {str(real_root / n) for n in ("out.txt", "hosts.txt", "pipe.txt")}


async def test_the_home_directory_is_too_broad_to_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(FileAccessError, match="too broad"):
        await access_for().expand([str(tmp_path)], field="f")


async def test_a_named_path_that_is_a_fifo_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(FileAccessError, match="named pipe"):
        await access_for().expand([str(tmp_path / "pipe")], field="absolute_file_paths")
