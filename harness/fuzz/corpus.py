"""A hostile filesystem to aim tool arguments at: secrets outside the roots, links out, special files.

Built under a temporary directory at run time:

    <base>/project/           the only allowed root (ZEN_ALLOWED_ROOTS)
        src/app.py ...        ordinary files, a deep tree, a wide directory
        .env                  a secret by name inside the root
        link-*.txt            symlinks to every secret outside, to /etc/passwd, /proc/self/environ
        farm/                 a symlink farm: links to links, a loop, a link to the root's parent
        pipe.txt, sock        a FIFO and a unix socket
        huge.txt, huge.png    sparse 2 GB files
    <base>/outside/secret.txt, <base>/outside/home/.ssh/id_rsa   planted secrets outside the root

Every planted secret holds a unique marker; the fuzz session checks that no marker ever
shows up in a provider request, a reply or a log.
"""

from __future__ import annotations

import os
import socket
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

SYSTEM_PATHS = (
    "/proc/self/environ", "/proc/self/fd", "/proc/self/fd/0", "/proc/self/maps", "/proc/self/cwd/.env",
    "/dev/zero", "/dev/urandom", "/dev/stdin", "/etc/passwd", "/etc/shadow", "/sys/kernel",
    "/root/.ssh/id_rsa",
    "/", "~", "~/.ssh/id_rsa", "/tmp/../etc/passwd", "relative/path.py", "", " ", "/nonexistent/file.py",
    "/a\x00b", "/line\nbreak", "data:image/png;base64,AAAA", "data:text/plain;base64,c2VjcmV0",
)  # fmt: skip
HUGE_BYTES = 2 * 1024**3
DEEP_LEVELS = 60


@dataclass
class HostileCorpus:
    base: Path
    markers: dict[str, str] = field(default_factory=dict)  # kind -> marker text
    paths: list[str] = field(default_factory=list)
    _socket: socket.socket | None = None

    @property
    def project(self) -> Path:
        return self.base / "project"

    @property
    def git_marker(self) -> Path:
        """Written by the program the project's git config names, if git ever runs it."""
        return self.base / "git-ran-a-program"

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()


def _plant(corpus: HostileCorpus, path: Path, kind: str) -> None:
    marker = f"PLANTED-{kind}-{uuid.uuid4().hex}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{kind}: {marker}\n")
    corpus.markers[kind] = marker


def _make_hostile_repository(corpus: HostileCorpus) -> None:
    """The project as a git repository whose own config names a filter, diff driver and fsmonitor."""
    project = corpus.project
    script = corpus.base / "evil.sh"
    script.write_text(f'#!/bin/sh\necho ran "$@" >> {corpus.git_marker}\ncat\n')
    script.chmod(0o755)

    def git(*args: str) -> None:
        env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
        subprocess.run(["git", "-C", str(project), *args], check=True, capture_output=True, env=env)

    git("init", "-q", "-b", "main")
    git("config", "user.email", "fuzz@example.invalid")
    git("config", "user.name", "fuzz")
    git("add", "src/app.py", "README.md")
    git("commit", "-q", "-m", "start")
    (project / "src" / "app.py").write_text("def main():\n    return 43\n")
    (project / ".gitattributes").write_text("* filter=evil diff=evil\n")
    for key in ("filter.evil.clean", "filter.evil.smudge", "diff.evil.textconv", "diff.evil.command",
                "core.fsmonitor", "diff.external"):  # fmt: skip
        git("config", key, str(script))


def build_corpus(base: Path) -> HostileCorpus:
    corpus = HostileCorpus(base)
    project, outside = base / "project", base / "outside"
    (project / "src").mkdir(parents=True)
    (project / "src" / "app.py").write_text("def main():\n    return 42\n")
    (project / "README.md").write_text("# project\n")
    (project / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    _plant(corpus, outside / "secret.txt", "outside-file")
    _plant(corpus, outside / "home" / ".ssh" / "id_rsa", "ssh-key")
    _plant(corpus, project / ".env", "dotenv-in-root")
    _plant(corpus, project / "config" / "server.pem", "pem-in-root")
    for name, target in {
        "link-outside.txt": outside / "secret.txt", "link-key.txt": outside / "home" / ".ssh" / "id_rsa",
        "link-env.txt": project / ".env", "link-passwd.txt": Path("/etc/passwd"),
        "link-environ.png": Path("/proc/self/environ"), "link-zero.png": Path("/dev/zero"),
    }.items():  # fmt: skip
        (project / "src" / name).symlink_to(target)
    farm = project / "farm"
    farm.mkdir()
    (farm / "up").symlink_to(base)
    (farm / "loop-a").symlink_to(farm / "loop-b")
    (farm / "loop-b").symlink_to(farm / "loop-a")
    (farm / "chain-1").symlink_to(project / "src" / "link-outside.txt")
    (farm / "outside-dir").symlink_to(outside)
    deep = project / "deep"
    for level in range(DEEP_LEVELS):
        deep = deep / f"d{level}"
    deep.mkdir(parents=True)
    (deep / "leaf.py").write_text("LEAF = True\n")
    deep = deep / "leaf.py"
    wide = project / "wide"
    wide.mkdir()
    for i in range(600):
        (wide / f"f{i:03d}.txt").write_text(f"{i}\n")
    os.mkfifo(project / "pipe.txt")
    corpus._socket = socket.socket(socket.AF_UNIX)
    corpus._socket.bind(str(project / "sock"))
    for name in ("huge.txt", "huge.png"):
        with (project / name).open("wb") as handle:
            handle.write(b"\x89PNG\r\n\x1a\n" if name.endswith(".png") else b"x")
            handle.truncate(HUGE_BYTES)  # sparse: no disk used
    _make_hostile_repository(corpus)
    # Weighted toward the hostile: a few ordinary entries, then every trap the corpus holds.
    ordinary = [project / "src" / "app.py", project / "README.md", project / "img.png", project / "src", deep]
    traps = [
        *sorted((project / "src").glob("link-*")), *sorted(farm.iterdir()), project / ".env",
        project / "config" / "server.pem", project / "pipe.txt", project / "sock", project / "huge.txt",
        project / "huge.png", project / "deep", project / "wide", project / ".git" / "config", project,
        outside, outside / "secret.txt", outside / "home" / ".ssh" / "id_rsa", base,
    ]  # fmt: skip
    corpus.paths = [*(str(p) for p in (*ordinary, *traps)), *SYSTEM_PATHS]
    return corpus


__all__ = ["SYSTEM_PATHS", "HostileCorpus", "build_corpus"]
