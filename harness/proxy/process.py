"""Run the embedded proxy as a ``zen-harness proxy`` subprocess and know its URL.

For callers that want the proxy outside their process (its own GIL, its own crash). The
child is started with ``--port 0`` by default and always with ``--lifetime``, so it goes
away by itself even if the parent dies without stopping it.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import Self

from harness.errors import ToxiproxyUnavailable
from harness.launcher.stopping import terminate_then_kill_blocking
from harness.proxy.command import READY_PREFIX

START_TIMEOUT = 20.0


class ToxiproxyProcess:
    """``with ToxiproxyProcess() as proc: client = SyncToxiproxyClient(proc.url)``."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, config: Path | None = None, lifetime: float = 3600.0
    ) -> None:
        # Through -c rather than -m so harness.cli is imported once, under its own name.
        launcher = "import sys; from harness.cli import main; sys.exit(main())"
        self.argv = [sys.executable, "-c", launcher, "proxy", "--host", host, "--port", str(port)]
        self.argv += ["--lifetime", str(lifetime)]
        if config is not None:
            self.argv += ["--config", str(config)]
        self.url = ""
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> str:
        process = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self._process = process
        line: list[str] = []
        reader = threading.Thread(
            target=lambda: line.append(process.stdout.readline() if process.stdout else "")
        )
        reader.start()
        reader.join(START_TIMEOUT)
        if not line or not line[0].startswith(READY_PREFIX):
            self._terminate(process)
            error = process.stderr.read() if process.stderr else ""
            self.stop()
            raise ToxiproxyUnavailable(f"zen-harness proxy did not start: {error.strip() or 'no output'}")
        self.url = line[0][len(READY_PREFIX) :].strip()
        return self.url

    def stop(self, timeout: float = 10.0) -> int | None:
        """Terminate the child (SIGTERM, then SIGKILL) and return its exit code."""
        process = self._process
        if process is None:
            return None
        self._terminate(process, timeout)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
        return process.returncode

    @staticmethod
    def _terminate(process: subprocess.Popen[str], timeout: float = 10.0) -> None:
        if process.poll() is None:
            terminate_then_kill_blocking(process, timeout, timeout)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
