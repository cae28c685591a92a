"""RedisStore against the real Redis (127.0.0.1:6379, a unique key prefix, cleaned up)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from tests.zen_server.conversation.conftest import make_thread, make_turn
from zen_server.conversation.redis_store import RedisStore
from zen_server.errors import (
    StorageError,
    ThreadNotFoundError,
    ThreadTurnLimitError,
    ThreadUnreadableError,
)
from zen_server.observability.events import RecordingObserver, StoreOperation

pytestmark = pytest.mark.redis
TTL_S = 3600.0


def build_store(
    url: str,
    prefix: str,
    observer: RecordingObserver | None = None,
    *,
    max_turn_bytes: int = 64 * 1024,
    max_thread_bytes: int = 256 * 1024,
) -> RedisStore:
    return RedisStore(
        aioredis.Redis.from_url(url),
        prefix=prefix,
        ttl_s=TTL_S,
        max_turn_bytes=max_turn_bytes,
        max_thread_bytes=max_thread_bytes,
        op_timeout_s=5.0,
        display_url=url,
        observer=observer,
    )


@pytest.fixture
async def raw(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
async def store(redis_url: str, redis_prefix: str) -> AsyncIterator[RedisStore]:
    built = build_store(redis_url, redis_prefix)
    await built.open()
    yield built
    await built.aclose()


def keys_of(prefix: str, thread_id: str) -> list[str]:
    return [f"{prefix}{kind}:{{{thread_id}}}" for kind in ("thread", "turns", "turn_ids")]


async def snapshot(raw: aioredis.Redis, prefix: str, thread_id: str) -> list[object]:
    meta, turns, ids = keys_of(prefix, thread_id)
    return [await raw.hgetall(meta), await raw.lrange(turns, 0, -1), sorted(await raw.smembers(ids))]


async def test_a_thread_round_trips_with_every_field(store: RedisStore) -> None:
    turn = make_turn("héllo ✓", files=("/a.py",))
    thread = make_thread(turns=(turn,))
    await store.create(thread)
    loaded = await store.get(thread.thread_id)
    assert loaded.turns == (turn,)
    assert (loaded.tool_name, loaded.state, loaded.parent_thread_id) == ("chat", {}, None)


async def test_concurrent_appends_to_one_thread_are_all_stored_exactly_once(store: RedisStore) -> None:
    thread = make_thread()
    await store.create(thread)
    batches = [(make_turn(f"q{i}"), make_turn(f"a{i}", role="assistant")) for i in range(50)]
    await asyncio.gather(*(store.append(thread.thread_id, b, max_turns=1000) for b in batches))
    stored = await store.get(thread.thread_id)
    assert len(stored.turns) == 100
    assert {t.turn_id for t in stored.turns} == {t.turn_id for b in batches for t in b}
    for user, assistant in batches:  # each exchange stays together, in order
        index = stored.turns.index(user)
        assert stored.turns[index + 1] == assistant


async def test_a_retried_append_is_stored_once(store: RedisStore) -> None:
    thread = make_thread()
    await store.create(thread)
    exchange = (make_turn("q"), make_turn("a", role="assistant"))
    first = await store.append(thread.thread_id, exchange, max_turns=10)
    again = await store.append(thread.thread_id, exchange, max_turns=10)
    assert first.turns == again.turns == exchange


async def test_half_of_a_stored_exchange_is_refused_and_nothing_is_written(
    store: RedisStore, raw: aioredis.Redis, redis_prefix: str
) -> None:
    thread = make_thread()
    await store.create(thread)
    stored_turn = make_turn("q")
    await store.append(thread.thread_id, (stored_turn,), max_turns=10)
    before = await snapshot(raw, redis_prefix, thread.thread_id)
    with pytest.raises(StorageError, match="already in thread"):
        await store.append(thread.thread_id, (stored_turn, make_turn("new")), max_turns=10)
    assert await snapshot(raw, redis_prefix, thread.thread_id) == before


async def test_max_turns_is_enforced_in_the_same_step_and_nothing_is_written(
    store: RedisStore, raw: aioredis.Redis, redis_prefix: str
) -> None:
    thread = make_thread(turns=(make_turn("1"), make_turn("2")))
    await store.create(thread)
    before = await snapshot(raw, redis_prefix, thread.thread_id)
    with pytest.raises(ThreadTurnLimitError, match="MAX_CONVERSATION_TURNS is 3"):
        await store.append(thread.thread_id, (make_turn("3"), make_turn("4")), max_turns=3)
    assert await snapshot(raw, redis_prefix, thread.thread_id) == before


async def test_concurrent_appends_never_exceed_max_turns(store: RedisStore) -> None:
    thread = make_thread()
    await store.create(thread)
    results = await asyncio.gather(
        *(store.append(thread.thread_id, (make_turn(), make_turn()), max_turns=10) for _ in range(20)),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 5
    assert all(isinstance(r, ThreadTurnLimitError) for r in results if isinstance(r, BaseException))
    assert len((await store.get(thread.thread_id)).turns) == 10


async def test_an_append_refreshes_the_ttl_of_every_key(
    store: RedisStore, raw: aioredis.Redis, redis_prefix: str
) -> None:
    thread = make_thread(turns=(make_turn(),))
    await store.create(thread)
    for key in keys_of(redis_prefix, thread.thread_id):
        await raw.pexpire(key, 5_000)
    await store.append(thread.thread_id, (make_turn(),), max_turns=10)
    for key in keys_of(redis_prefix, thread.thread_id):
        assert 5_000 < await raw.pttl(key) <= TTL_S * 1000


async def test_state_is_replaced_only_when_given(store: RedisStore) -> None:
    thread = make_thread()
    await store.create(thread)
    await store.append(thread.thread_id, (make_turn(),), max_turns=10, state={"step": 1})
    kept = await store.append(thread.thread_id, (make_turn(),), max_turns=10)
    assert kept.state == {"step": 1}


async def test_an_unknown_thread_is_not_found(store: RedisStore) -> None:
    with pytest.raises(ThreadNotFoundError, match="conversation store"):
        await store.get(str(uuid.uuid4()))
    with pytest.raises(ThreadNotFoundError):
        await store.append(str(uuid.uuid4()), (make_turn(),), max_turns=10)


async def test_a_thread_of_another_prefix_is_invisible_and_untouched(
    store: RedisStore, raw: aioredis.Redis, redis_url: str, redis_prefix: str
) -> None:
    thread = make_thread(turns=(make_turn(),))
    await store.create(thread)
    before = await snapshot(raw, redis_prefix, thread.thread_id)
    other = build_store(redis_url, redis_prefix + "other:")
    try:
        with pytest.raises(ThreadNotFoundError):
            await other.append(thread.thread_id, (make_turn(),), max_turns=10)
    finally:
        await other.aclose()
    assert await snapshot(raw, redis_prefix, thread.thread_id) == before


@pytest.mark.parametrize("garbage_key", [0, 1, 2])
async def test_garbage_in_a_thread_key_is_a_clear_error_and_nothing_changes(
    store: RedisStore, raw: aioredis.Redis, redis_prefix: str, garbage_key: int
) -> None:
    thread = make_thread(turns=(make_turn(),))
    await store.create(thread)
    key = keys_of(redis_prefix, thread.thread_id)[garbage_key]
    await raw.delete(key)
    await raw.set(key, b"\xff garbage")
    before = await snapshot_raw(raw, redis_prefix, thread.thread_id)
    with pytest.raises(ThreadUnreadableError, match="cannot be read"):
        await store.get(thread.thread_id)
    with pytest.raises((ThreadUnreadableError, StorageError)):
        await store.append(thread.thread_id, (make_turn(),), max_turns=10)
    assert await snapshot_raw(raw, redis_prefix, thread.thread_id) == before


async def snapshot_raw(raw: aioredis.Redis, prefix: str, thread_id: str) -> list[object]:
    return [await raw.dump(key) for key in keys_of(prefix, thread_id)]


async def test_a_corrupt_turn_record_is_a_clear_error(
    store: RedisStore, raw: aioredis.Redis, redis_prefix: str
) -> None:
    thread = make_thread(turns=(make_turn(),))
    await store.create(thread)
    await raw.rpush(keys_of(redis_prefix, thread.thread_id)[1], b'{"role": "wizard"}')
    with pytest.raises(ThreadUnreadableError, match="role 'wizard'"):
        await store.get(thread.thread_id)


async def test_a_record_of_another_schema_version_is_refused_unchanged(
    store: RedisStore, raw: aioredis.Redis, redis_prefix: str
) -> None:
    thread = make_thread(turns=(make_turn(),))
    await store.create(thread)
    await raw.hset(keys_of(redis_prefix, thread.thread_id)[0], "v", "99")
    before = await snapshot(raw, redis_prefix, thread.thread_id)
    with pytest.raises(ThreadUnreadableError, match="schema version '99'"):
        await store.get(thread.thread_id)
    with pytest.raises(ThreadUnreadableError, match="schema version '99'"):
        await store.append(thread.thread_id, (make_turn(),), max_turns=10)
    assert await snapshot(raw, redis_prefix, thread.thread_id) == before


async def test_an_oversize_turn_or_thread_is_refused_and_nothing_is_written(
    redis_url: str, redis_prefix: str, raw: aioredis.Redis
) -> None:
    small = build_store(redis_url, redis_prefix, max_turn_bytes=2048, max_thread_bytes=4096)
    try:
        thread = make_thread(turns=(make_turn("x"),))
        await small.create(thread)
        before = await snapshot(raw, redis_prefix, thread.thread_id)
        with pytest.raises(StorageError, match="ZEN_STORE_MAX_TURN_BYTES"):
            await small.append(thread.thread_id, (make_turn("y" * 3000),), max_turns=10)
        with pytest.raises(StorageError, match="ZEN_STORE_MAX_THREAD_BYTES"):
            big_exchange = tuple(make_turn("y" * 1500) for _ in range(3))
            await small.append(thread.thread_id, big_exchange, max_turns=10)
        assert await snapshot(raw, redis_prefix, thread.thread_id) == before
    finally:
        await small.aclose()


async def test_a_retried_create_is_stored_once_and_a_clash_is_refused(store: RedisStore) -> None:
    thread = make_thread(turns=(make_turn("q"), make_turn("a", role="assistant")))
    await store.create(thread)
    await store.create(thread)  # the retry after a lost reply
    assert (await store.get(thread.thread_id)).turns == thread.turns
    with pytest.raises(StorageError, match="already exists"):
        await store.create(make_thread(thread.thread_id, turns=(make_turn("other"),)))


async def test_every_operation_is_reported_for_metrics(redis_url: str, redis_prefix: str) -> None:
    observer = RecordingObserver()
    observed = build_store(redis_url, redis_prefix, observer)
    try:
        thread = make_thread(turns=(make_turn(),))
        await observed.create(thread)
        await observed.get(thread.thread_id)
        assert await observed.ping()
    finally:
        await observed.aclose()
    ops = [(e.operation, e.outcome) for e in observer.events if isinstance(e, StoreOperation)]
    assert ops == [("create", "ok"), ("get", "ok"), ("ping", "ok")]


async def test_start_opens_the_pool_so_a_first_burst_does_not_connect_inside_its_timeouts(
    redis_url: str, redis_prefix: str
) -> None:
    from zen_server.config import Settings

    settings = Settings(
        distributed_mode=True, redis_url=redis_url, zen_redis_prefix=redis_prefix, zen_redis_max_connections=5
    )
    started = RedisStore.from_settings(settings)
    try:
        await started.open()
        pool = started._client.connection_pool
        assert len(pool._available_connections) == 5
        assert all(c.is_connected for c in pool._available_connections)
    finally:
        await started.aclose()
