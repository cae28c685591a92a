"""files.opening: only regular files are opened, and a swap after the check is caught."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from zen_server.errors import FileAccessError
from zen_server.files import opening


def test_a_regular_file_is_read_up_to_cap_plus_one(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 100)
    data, info = opening.read_regular(path, "f", cap=10)
    assert data == b"x" * 11 and info.st_size == 100


def test_a_fifo_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    # Had it been opened for reading, this writer open would succeed; it fails: nobody reads.
    with pytest.raises(FileAccessError, match=r"not a regular file \(a named pipe"):
        opening.read_regular(fifo, "f", cap=10)
    with pytest.raises(OSError):
        os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)


def test_devices_sockets_and_directories_are_refused(tmp_path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / "sock"))
        with pytest.raises(FileAccessError, match="a socket"):
            opening.read_regular(tmp_path / "sock", "f", cap=10)
    with pytest.raises(FileAccessError, match="a character device"):
        opening.read_regular(Path("/dev/zero"), "f", cap=10)
    with pytest.raises(FileAccessError, match="a directory"):
        opening.read_regular(tmp_path, "f", cap=10)


def test_a_symlink_at_the_checked_path_is_refused(tmp_path: Path) -> None:
    (tmp_path / "target").write_text("t")
    (tmp_path / "link").symlink_to(tmp_path / "target")
    with pytest.raises(FileAccessError, match="a symbolic link"):
        opening.read_regular(tmp_path / "link", "f", cap=10)


def test_a_directory_swapped_for_a_symlink_above_the_file_is_caught(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "f.txt").write_text("inside")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "f.txt").write_text("outside")
    checked = real / "f.txt"  # resolved and checked while real/ was a directory
    real.rename(tmp_path / "moved")
    real.symlink_to(elsewhere)
    with pytest.raises(FileAccessError, match="changed while it was being opened"):
        opening.read_regular(checked, "f", cap=100)


def test_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileAccessError, match="does not exist"):
        opening.read_regular(tmp_path / "gone", "f", cap=10)
