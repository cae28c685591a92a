"""Fixtures shared by the whole suite: the real Redis, free ports, CI awareness."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from typing import NoReturn

import pytest

from harness.cluster.tools import install_hint, missing_cluster_tools
from harness.launcher import free_port as free_port  # tests import it from here too

REDIS_URL = os.environ.get("ZEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def running_under_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(message: str) -> NoReturn:
    """Skip for want of ``message``'s missing part, except under CI=true where it fails:
    CI must never turn green by skipping."""
    if running_under_ci():
        pytest.fail(f"CI=true and {message}")
    pytest.skip(message)


def need_cluster_tools() -> None:
    """Skip, naming what to install, without haproxy or redis-server; under CI=true, fail instead."""
    missing = missing_cluster_tools()
    if missing:
        unavailable(install_hint(missing))


@pytest.fixture
def unused_port() -> int:
    return free_port()


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The real Redis, with a unique key prefix removed afterwards.

    Without Redis the test is skipped with the reason, except under CI=true where a
    missing Redis is a failure: CI must never turn green by skipping.
    """
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable(f"Redis at {REDIS_URL} is unreachable ({exc}); start it or set ZEN_TEST_REDIS_URL")
    prefix = f"zen-test-{uuid.uuid4().hex[:12]}:"
    os.environ["ZEN_TEST_REDIS_PREFIX"] = prefix
    try:
        yield REDIS_URL
    finally:
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)
        client.close()


@pytest.fixture
def redis_server_binary() -> str:
    """The installed ``redis-server``, for tests that start (and kill) their own."""
    found = shutil.which("redis-server")
    if found is None:
        unavailable("redis-server is not installed (Debian: apt-get install redis-server)")
    return found


@pytest.fixture
def redis_prefix(redis_url: str) -> str:
    return os.environ["ZEN_TEST_REDIS_PREFIX"]


@pytest.fixture(autouse=True)
def _isolated_settings_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own API keys or zen_server knobs must never leak into a test."""
    from zen_server.config import Settings

    names = {name.upper() for name in Settings.model_fields}
    for key in list(os.environ):
        if key.upper() in names:
            monkeypatch.delenv(key, raising=False)
