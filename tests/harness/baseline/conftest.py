"""Hand-built wheels standing in for a pip-installed MCP server (offline, in a second).

The wheel's console script ``fake-baseline`` either replaces itself with this
interpreter's ``zen_server`` (a real MCP server over stdio) or, with ``crash=True``,
writes a message to stderr and exits 1.
"""

from __future__ import annotations

import base64
import hashlib
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

DIST = "fake_baseline"
VERSION = "1.0"
SCRIPT = "fake-baseline"


def _module(crash: bool) -> str:
    if crash:
        return (
            "import sys\n\ndef main():\n"
            "    sys.stderr.write('fake baseline boom: no provider\\n')\n    sys.exit(1)\n"
        )
    return (
        "import os\n\ndef main():\n"
        f"    os.execv({sys.executable!r}, [{sys.executable!r}, '-m', 'zen_server'])\n"
    )


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(folder: Path, *, crash: bool = False) -> Path:
    """A valid wheel of distribution ``fake-baseline`` 1.0 in ``folder``."""
    info = f"{DIST}-{VERSION}.dist-info"
    files = {
        f"{DIST}.py": _module(crash).encode(),
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: fake-baseline\nVersion: {VERSION}\n".encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{info}/entry_points.txt": f"[console_scripts]\n{SCRIPT} = {DIST}:main\n".encode(),
    }
    record = [_record_line(name, data) for name, data in files.items()] + [f"{info}/RECORD,,"]
    path = folder / f"{DIST}-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        for name, data in files.items():
            wheel.writestr(name, data)
        wheel.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return path


@pytest.fixture(scope="module")
def installed_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A cache folder (XDG_CACHE_HOME for the module's tests) holding two baselines installed
    once: ``fake`` (zen_server over stdio) and ``crashy`` (exits 1 at start)."""
    from harness.baseline.install import install

    root = tmp_path_factory.mktemp("xdg-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(root))
        for name, crash in (("fake", False), ("crashy", True)):
            wheel = build_wheel(tmp_path_factory.mktemp(f"wheel-{name}"), crash=crash)
            install(name, [f"fake-baseline @ {wheel.as_uri()}"])
        yield root
