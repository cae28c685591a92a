"""Memory limits on the store, the executor and the providers (pytest-memray markers).

The markers bite under ``pytest --memray`` (``nox -s leaks``); without it these still run
and assert the bounds the store promises. The last test proves a marker fails a leak.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from fakes.testing import FakeServer
from zen_server.config import load_settings
from zen_server.conversation.memory_store import BoundedMemoryStore
from zen_server.conversation.types import Thread, Turn
from zen_server.server import ZenApp, build_app


def thread_of(size: int) -> Thread:
    now = time.time()
    turn = Turn("user", "x" * size, "chat", now, uuid.uuid4().hex)
    return Thread(uuid.uuid4().hex, "chat", now, now, (turn,))


@pytest.mark.limit_memory("4 MB")
async def test_store_holds_no_more_than_its_byte_budget_under_many_threads() -> None:
    budget = 1024 * 1024
    store = BoundedMemoryStore(max_threads=100_000, byte_budget=budget, ttl_s=3600)
    for _ in range(3000):  # 3000 x 8 KB = 24 MB offered; the budget keeps about 1 MB
        await store.create(thread_of(8 * 1024))
    assert store.bytes_used <= budget
    assert 0 < store.thread_count < 3000
    await store.aclose()


@pytest.fixture
async def app(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[ZenApp]:
    with FakeServer("openai", behaviour={"default": {"latency": {"fixed_ms": 1}}}) as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-zen-harness-fake-key")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.openai_base_url)
        monkeypatch.setenv("DEFAULT_MODEL", "gpt-5")
        built = build_app(load_settings())
        await built.start(transport="test")
        # Warm: imports, the HTTP pool and metric series are one-off costs, not per call.
        await built.executor.call("chat", chat_args(), session_id="s", request_id="warm")
        try:
            yield built
        finally:
            await built.aclose()


def chat_args() -> dict[str, str]:
    return {"prompt": "memory probe", "model": "gpt-5", "working_directory_absolute_path": "/tmp"}


@pytest.mark.limit_memory("8 MB")
async def test_executor_and_provider_calls_do_not_accumulate_memory(app: ZenApp) -> None:
    for index in range(200):
        result = await app.executor.call("chat", chat_args(), session_id="s", request_id=f"r{index}")
        assert result.status != "error", result.content[:300]


LEAKY_TEST = """
import pytest

KEPT = []

@pytest.mark.limit_memory("1 MB")
def test_leaks():
    KEPT.append(bytearray(8 * 1024 * 1024))
"""


@pytest.mark.slow
def test_a_limit_memory_marker_fails_a_test_that_holds_too_much(tmp_path: Path) -> None:
    (tmp_path / "test_leaky.py").write_text(LEAKY_TEST)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--memray", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True, text=True, timeout=300, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout[-2000:]
    assert "Test was limited to 1.0MiB but allocated" in done.stdout
