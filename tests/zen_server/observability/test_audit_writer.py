"""RotatingLineWriter: size-based rotation that never splits a line."""

from __future__ import annotations

import stat
from pathlib import Path

from zen_server.observability.audit_writer import RotatingLineWriter


def test_rotates_past_max_bytes_and_keeps_the_configured_backups(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    writer = RotatingLineWriter(path, max_bytes=100, backups=2)
    for i in range(12):
        writer.write_lines([f"line-{i:02d}-" + "x" * 20])  # 29 bytes with newline: 3 per file
    writer.close()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["audit.log", "audit.log.1", "audit.log.2"]
    assert path.read_text().splitlines() == [f"line-{i:02d}-" + "x" * 20 for i in (9, 10, 11)]
    assert (tmp_path / "audit.log.1").read_text().startswith("line-06-")
    assert (tmp_path / "audit.log.2").read_text().startswith("line-03-")
    for p in tmp_path.iterdir():
        assert all(len(line) == 28 for line in p.read_text().splitlines())  # no split lines
        assert p.stat().st_size <= 100


def test_without_backups_the_file_is_truncated(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    writer = RotatingLineWriter(path, max_bytes=50, backups=0)
    writer.write_lines(["a" * 30])
    writer.write_lines(["b" * 30])
    writer.close()
    assert list(tmp_path.iterdir()) == [path]
    assert path.read_text() == "b" * 30 + "\n"


def test_appends_to_an_existing_file_and_counts_its_size(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    path.write_text("old\n" * 20)  # 80 bytes
    writer = RotatingLineWriter(path, max_bytes=100, backups=1)
    writer.write_lines(["new" * 10])
    writer.close()
    assert (tmp_path / "audit.log.1").read_text() == "old\n" * 20
    assert path.read_text() == "new" * 10 + "\n"


def test_new_files_are_private_to_the_owner(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "audit.log"
    writer = RotatingLineWriter(path, max_bytes=1000, backups=1)
    writer.write_lines(["x"])
    writer.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
