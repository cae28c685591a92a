"""RedisStore when Redis is missing, is not Redis, or keeps failing: clear errors, fast."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable

import pytest
import redis.asyncio as aioredis

from tests.conftest import free_port
from tests.zen_server.conversation.conftest import FakeClock, make_thread, make_turn
from zen_server.config import Settings
from zen_server.conversation.redis_store import RedisStore
from zen_server.conversation.store_breaker import StoreBreaker
from zen_server.errors import ConfigurationError, StoreUnavailableError
from zen_server.observability.events import RecordingObserver, StoreOperation, SystemEvent


def small_store(
    client: aioredis.Redis,
    url: str,
    prefix: str,
    op_timeout_s: float,
    breaker: StoreBreaker,
    observer: RecordingObserver | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> RedisStore:
    """A store on ``url`` with small fixed bounds: a 60 s TTL, 4 KiB turns, 8 KiB threads."""
    return RedisStore(
        client,
        prefix=prefix,
        ttl_s=60.0,
        max_turn_bytes=4096,
        max_thread_bytes=8192,
        op_timeout_s=op_timeout_s,
        display_url=url,
        observer=observer,
        breaker=breaker,
        clock=clock,
    )


def dead_store(clock: FakeClock, observer: RecordingObserver | None = None) -> RedisStore:
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    client = aioredis.Redis.from_url(url, socket_connect_timeout=1)
    breaker = StoreBreaker(failures=3, open_s=1.0, clock=clock)
    return small_store(client, url, "zen-test-dead:", 1.0, breaker, observer=observer)


async def test_an_unreachable_redis_refuses_start_naming_the_url_without_its_password() -> None:
    port = free_port()
    settings = Settings(distributed_mode=True, redis_url=f"redis://:hunter2secret@127.0.0.1:{port}/0")
    store = RedisStore.from_settings(settings)
    try:
        with pytest.raises(ConfigurationError) as caught:
            await store.open()
    finally:
        await store.aclose()
    message = str(caught.value)
    assert f"redis://:***@127.0.0.1:{port}/0" in message and "DISTRIBUTED_MODE" in message
    assert "hunter2secret" not in message


@pytest.fixture
async def http_port() -> AsyncIterator[int]:
    """A port that speaks HTTP, not Redis."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1024)
        writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    yield int(server.sockets[0].getsockname()[1])
    server.close()
    await server.wait_closed()


async def test_a_port_that_is_not_redis_refuses_start(http_port: int) -> None:
    store = RedisStore.from_settings(
        Settings(distributed_mode=True, redis_url=f"redis://127.0.0.1:{http_port}/0")
    )
    try:
        with pytest.raises(ConfigurationError, match="does not answer as Redis"):
            await store.open()
    finally:
        await store.aclose()


async def test_a_dead_redis_opens_the_breaker_and_later_calls_fail_at_once() -> None:
    clock, observer = FakeClock(), RecordingObserver()
    store = dead_store(clock, observer)
    thread_id = str(uuid.uuid4())
    try:
        for _ in range(2):  # two attempts each (one retry): the breaker opens on the third failure,
            with pytest.raises(StoreUnavailableError, match="conversation store"):
                await store.get(thread_id)
            clock.advance(0.6)  # ... once the failures have lasted over half a second
        assert store.breaker_state == "open"
        with pytest.raises(StoreUnavailableError, match="breaker is open"):
            await store.append(thread_id, (make_turn(),), max_turns=10)
        with pytest.raises(StoreUnavailableError, match="breaker is open"):
            await store.create(make_thread(turns=(make_turn(),)))
        assert not await store.ping()
    finally:
        await store.aclose()
    outcomes = [e.outcome for e in observer.events if isinstance(e, StoreOperation)]
    assert outcomes.count("error") == 3 and outcomes.count("refused") >= 3
    assert observer.gauges[("store_breaker_state", ())] == 2.0
    downs = [e for e in observer.events if isinstance(e, SystemEvent) and e.kind == "store_unavailable"]
    assert len(downs) == 1  # the edge, not every failed operation
    assert downs[0].detail["url"] == store.display_url


async def test_an_oversize_turn_is_refused_before_redis_is_asked() -> None:
    store = dead_store(FakeClock())
    try:
        with pytest.raises(Exception, match="ZEN_STORE_MAX_TURN_BYTES"):
            await store.append(str(uuid.uuid4()), (make_turn("z" * 5000),), max_turns=10)
        assert store.breaker_state == "closed"  # nothing was sent, so nothing failed
    finally:
        await store.aclose()


def state_of(breaker: StoreBreaker) -> str:
    return breaker.state


def test_the_breaker_probes_once_after_open_s_and_closes_on_success() -> None:
    clock = FakeClock()
    breaker = StoreBreaker(failures=2, open_s=1.0, min_failing_s=0.0, clock=clock)
    breaker.record_failure()
    assert state_of(breaker) == "closed"
    breaker.record_failure()
    assert state_of(breaker) == "open" and not breaker.try_acquire()
    clock.advance(1.0)
    assert state_of(breaker) == "half_open"
    assert breaker.try_acquire() and not breaker.try_acquire()  # a single probe at a time
    breaker.record_success()
    assert state_of(breaker) == "closed" and breaker.try_acquire()


def test_a_burst_of_failures_in_one_instant_does_not_open_it_but_sustained_failures_do() -> None:
    clock = FakeClock()
    breaker = StoreBreaker(failures=3, open_s=1.0, min_failing_s=0.5, clock=clock)
    for _ in range(50):  # a starved process: every call in flight times out at once
        breaker.record_failure()
    assert state_of(breaker) == "closed"
    breaker.record_success()  # ... and the next call succeeds: the run of failures is over
    for _ in range(3):
        breaker.record_failure()
    clock.advance(0.5)
    breaker.record_failure()  # still failing half a second later: Redis, not a burst
    assert state_of(breaker) == "open"


def test_a_failed_probe_reopens_and_a_cancelled_one_gives_its_slot_back() -> None:
    clock = FakeClock()
    breaker = StoreBreaker(failures=1, open_s=1.0, min_failing_s=0.0, clock=clock)
    breaker.record_failure()
    clock.advance(1.0)
    assert breaker.try_acquire()
    breaker.release()
    assert breaker.try_acquire()
    breaker.record_failure()
    assert state_of(breaker) == "open" and breaker.retry_after() == 1.0


class LeapingClock:
    """Every reading is ``step`` seconds after the last: a loop that ran the timer very late."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


@pytest.fixture
async def silent_port() -> AsyncIterator[int]:
    """A port that accepts and never answers: every Redis command times out."""
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield int(server.sockets[0].getsockname()[1])
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


def silent_store(port: int, clock: LeapingClock) -> RedisStore:
    url = f"redis://127.0.0.1:{port}/0"
    breaker = StoreBreaker(failures=3, open_s=60.0, min_failing_s=0.0)
    return small_store(aioredis.Redis.from_url(url), url, "zen-test-silent:", 0.05, breaker, clock=clock)


@pytest.mark.parametrize(("step", "opens"), [(0.01, True), (10.0, False)])
async def test_only_timeouts_noticed_in_time_count_against_redis(
    silent_port: int, step: float, opens: bool
) -> None:
    store = silent_store(silent_port, LeapingClock(step))
    try:
        for _ in range(3):  # a timeout in time is not retried (Redis is slow: waiting again doubles it)
            with pytest.raises(StoreUnavailableError, match="conversation store"):
                await store.get(str(uuid.uuid4()))
        assert (store.breaker_state == "open") is opens
    finally:
        await store.aclose()
