"""RedisStore: the ConversationStore shared by every instance (DISTRIBUTED_MODE=true).

Every write is one Lua script (see redis_scripts): append, MAX_CONVERSATION_TURNS, the
byte cap and the TTL refresh happen in one server-side step, and each turn's id is an
idempotency key, so the one retry a lost reply earns never stores a turn twice.

Faults: every operation has its own short timeout (``ZEN_REDIS_OP_TIMEOUT_S``), never more
than the call's remaining deadline, and a StoreBreaker refuses calls at once while Redis
keeps failing. A failed operation raises StoreUnavailableError naming the conversation
store (and the URL without its password); nothing is ever half written.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from redis.asyncio import BlockingConnectionPool, Redis
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

from zen_server.config import Settings, mask_url_password
from zen_server.conversation import redis_scripts
from zen_server.conversation.redis_codec import (
    SCHEMA_VERSION,
    decode_thread,
    encode_state,
    encode_turn,
    thread_record,
    unreadable,
)
from zen_server.conversation.refusals import thread_exists, turn_limit_reached
from zen_server.conversation.store_breaker import STATE_GAUGE, StoreBreaker
from zen_server.conversation.types import StoreStats, Thread, Turn
from zen_server.errors import (
    ConfigurationError,
    StorageError,
    StoreUnavailableError,
    ThreadNotFoundError,
)
from zen_server.observability.events import NullObserver, Observer, StoreOperation, StoreOutcome, SystemEvent
from zen_server.resilience.deadline import remaining

T = TypeVar("T")

# Faults that say Redis is down or slow (the breaker counts them); a ResponseError is an
# answer from a live Redis and counts as success for the breaker.
_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, TimeoutError, OSError)
# A timeout noticed this many times its budget late was the event loop's lateness, not Redis's.
_STALL_FACTOR = 1.5


class RedisStore:
    """A ConversationStore in Redis; see the module docstring for the guarantees."""

    def __init__(
        self,
        client: Redis,
        *,
        prefix: str,
        ttl_s: float,
        max_turn_bytes: int,
        max_thread_bytes: int,
        op_timeout_s: float,
        display_url: str,
        observer: Observer | None = None,
        breaker: StoreBreaker | None = None,
        clock: Callable[[], float] = time.monotonic,
        warm_connections: int = 0,
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._ttl_ms = max(1, int(ttl_s * 1000))
        self._max_turn_bytes = max_turn_bytes
        self._max_thread_bytes = max_thread_bytes
        self._op_timeout_s = op_timeout_s
        self._display_url = display_url
        self._observer: Observer = observer or NullObserver()
        self._breaker = breaker or StoreBreaker()
        self._warm_connections = warm_connections
        self._reported_state: str = "closed"
        self._clock = clock
        self._read = client.register_script(redis_scripts.READ_THREAD)
        self._append = client.register_script(redis_scripts.APPEND_TURNS)
        self._create = client.register_script(redis_scripts.CREATE_THREAD)

    @classmethod
    def from_settings(cls, settings: Settings, observer: Observer | None = None) -> RedisStore:
        timeout = settings.zen_redis_op_timeout_s
        # A blocking pool: at the connection cap a call waits (within its timeout) for a free
        # connection; the plain pool fails with "Too many connections", which under a burst
        # would count against Redis and open the breaker though Redis is fine.
        pool = BlockingConnectionPool.from_url(
            settings.redis_url,
            max_connections=settings.zen_redis_max_connections,
            timeout=timeout,
            socket_connect_timeout=timeout,
            socket_timeout=timeout,
            # Retries are ours (one, idempotent, within the deadline), never redis-py's hidden ones.
            retry=Retry(NoBackoff(), 0),
            # No CLIENT SETINFO: two fewer round trips for every new connection, which a burst
            # of calls opens by the dozen inside their operation timeout.
            driver_info=None,
        )
        client = Redis(connection_pool=pool)
        return cls(
            client,
            prefix=settings.zen_redis_prefix,
            ttl_s=settings.conversation_timeout_hours * 3600.0,
            max_turn_bytes=settings.zen_store_max_turn_bytes,
            max_thread_bytes=settings.zen_store_max_thread_bytes,
            op_timeout_s=timeout,
            display_url=mask_url_password(settings.redis_url),
            observer=observer,
            warm_connections=settings.zen_redis_max_connections,
        )

    # --- lifecycle ----------------------------------------------------------------------
    async def open(self) -> None:
        """Refuse to start without a reachable Redis: ConfigurationError naming the (masked) URL."""
        try:
            async with asyncio.timeout(max(self._op_timeout_s, 2.0)):
                await self._client.ping()
            async with asyncio.timeout(max(self._op_timeout_s, 5.0)):
                await self._warm_pool()
        except (RedisError, *_UNAVAILABLE) as exc:
            raise ConfigurationError(
                f"DISTRIBUTED_MODE=true but the conversation store at REDIS_URL={self._display_url} "
                f"does not answer as Redis ({type(exc).__name__}: {exc or 'no reply in time'}); "
                "start Redis there, fix REDIS_URL, or unset DISTRIBUTED_MODE"
            ) from None
        self._publish_breaker()

    async def _warm_pool(self) -> None:
        """Open the pool's connections now: the first burst of calls would otherwise open them
        by the dozen inside their operation timeouts, and a busy process times some out."""
        pool = self._client.connection_pool
        count = min(self._warm_connections, pool.max_connections)
        connections = await asyncio.gather(*(pool.get_connection() for _ in range(count)))  # type: ignore[no-untyped-call]
        for connection in connections:
            await pool.release(connection)

    async def aclose(self) -> None:
        await self._client.aclose(close_connection_pool=True)

    # --- ConversationStore ------------------------------------------------------------
    async def get(self, thread_id: str) -> Thread:
        reply = await self._run("get", lambda: self._read(keys=self._keys(thread_id)))
        status = _status(reply)
        if status == "ok":
            return decode_thread(thread_id, reply[1], reply[2])
        raise self._refusal(thread_id, status, reply)

    async def create(self, thread: Thread) -> None:
        turn_jsons = [encode_turn(t) for t in thread.turns]
        self._check_turn_sizes(thread.thread_id, turn_jsons)
        record = thread_record(thread, encode_state(thread.state), turn_jsons)
        if int(record["bytes"]) > self._max_thread_bytes:
            raise self._too_big(thread.thread_id, int(record["bytes"]))
        args: list[str] = [str(self._ttl_ms), str(len(record))]
        for name, value in record.items():
            args += [name, value]
        for turn, blob in zip(thread.turns, turn_jsons, strict=True):
            args += [turn.turn_id, blob]
        reply = await self._run("create", lambda: self._create(keys=self._keys(thread.thread_id), args=args))
        if _status(reply) == "exists":
            raise thread_exists(thread.thread_id)

    async def append(
        self,
        thread_id: str,
        turns: Sequence[Turn],
        *,
        max_turns: int,
        state: dict[str, object] | None = None,
    ) -> Thread:
        turn_jsons = [encode_turn(t) for t in turns]
        self._check_turn_sizes(thread_id, turn_jsons)
        updated = max((t.timestamp for t in turns), default=time.time())
        args: list[str] = [
            SCHEMA_VERSION,
            str(max_turns),
            str(self._ttl_ms),
            str(self._max_thread_bytes),
            repr(updated),
            "" if state is None else encode_state(state),
        ]
        for turn, blob in zip(turns, turn_jsons, strict=True):
            args += [turn.turn_id, blob]
        reply = await self._run("append", lambda: self._append(keys=self._keys(thread_id), args=args))
        status = _status(reply)
        if status in ("ok", "duplicate"):
            return decode_thread(thread_id, reply[1], reply[2])
        if status == "limit":
            raise turn_limit_reached(thread_id, int(reply[1]), max_turns)
        if status == "too_big":
            raise self._too_big(thread_id, int(reply[1]))
        if status == "partial":
            raise StorageError(f"some of these turns are already in thread {thread_id}; nothing was written")
        raise self._refusal(thread_id, status, reply)

    async def stats(self) -> StoreStats:
        """Thread count by SCAN over this prefix: O(keys), meant for tests and tools, not hot paths."""

        async def count() -> int:
            return sum([1 async for _ in self._client.scan_iter(match=f"{self._prefix}thread:*", count=1000)])

        threads = await self._run("stats", count, retry=False)
        return StoreStats(threads=threads, bytes=0, evictions=0, expirations=0)

    async def ping(self) -> bool:
        try:
            await self._run("ping", self._client.ping, retry=False)
        except StoreUnavailableError:
            return False
        return True

    @property
    def breaker_state(self) -> str:
        return self._breaker.state

    @property
    def display_url(self) -> str:
        return self._display_url

    # --- internals --------------------------------------------------------------------
    def _keys(self, thread_id: str) -> list[str]:
        tag = "{" + thread_id + "}"
        return [f"{self._prefix}thread:{tag}", f"{self._prefix}turns:{tag}", f"{self._prefix}turn_ids:{tag}"]

    async def _run(self, op: str, call: Callable[[], Awaitable[T]], *, retry: bool = True) -> T:
        """One store operation: breaker, per-attempt timeout within the deadline, and one retry
        after a dropped connection or a starved loop (safe: every write is idempotent)."""
        attempts = 2 if retry else 1
        last: BaseException | None = None
        for _ in range(attempts):
            budget = min(self._op_timeout_s, remaining(default=self._op_timeout_s))
            if budget <= 0:
                break
            if not self._breaker.try_acquire():
                self._publish_breaker()
                self._observe(op, "refused", 0.0)
                raise StoreUnavailableError(
                    f"the conversation store (Redis at {self._display_url}) is failing; its breaker is "
                    f"open for another {self._breaker.retry_after():.1f} s, so nothing was read or written"
                )
            started = self._clock()
            try:
                async with asyncio.timeout(budget):
                    result = await call()
            except asyncio.CancelledError:
                self._breaker.release()
                raise
            except _UNAVAILABLE as exc:
                elapsed = self._clock() - started
                timed_out = isinstance(exc, (TimeoutError, RedisTimeoutError))
                # A timer that fired far later than set means this process's event loop was
                # starved (CPU, a burst of calls): the timeout says nothing about Redis.
                stalled = timed_out and elapsed > budget * _STALL_FACTOR
                if stalled:
                    self._breaker.release()
                else:
                    self._breaker.record_failure()
                self._publish_breaker(exc)
                self._observe(op, "error", elapsed)
                last = exc
                if timed_out and not stalled:
                    break  # Redis itself was slow: a second full wait would only double the delay
                continue  # a dropped connection (a reply lost) or a stall: the retry is worth it
            except ResponseError as exc:
                self._breaker.record_success()
                self._observe(op, "error", self._clock() - started)
                raise StorageError(
                    f"the conversation store (Redis at {self._display_url}) refused {op}: {exc}"
                ) from None
            self._breaker.record_success()
            self._publish_breaker()
            self._observe(op, "ok", self._clock() - started)
            return result
        why = f"{type(last).__name__}: {last}" if last is not None else "the call's deadline had passed"
        raise StoreUnavailableError(
            f"the conversation store (Redis at {self._display_url}) did not answer {op} in time ({why}); "
            "nothing was read or written. Retry shortly"
        )

    def _observe(self, op: str, outcome: StoreOutcome, seconds: float) -> None:
        self._observer.emit(StoreOperation(operation=op, outcome=outcome, seconds=seconds))

    def _publish_breaker(self, error: BaseException | None = None) -> None:
        state = self._breaker.state
        self._observer.set_gauge("store_breaker_state", STATE_GAUGE[state])
        # The audit log gets the edges (down, back), not every failed operation.
        if state == "open" and self._reported_state != "open":
            detail: dict[str, object] = {"store": "redis", "url": self._display_url}
            if error is not None:
                detail["error"] = f"{type(error).__name__}: {error}"
            self._observer.emit(SystemEvent(kind="store_unavailable", detail=detail))
        elif state == "closed" and self._reported_state == "open":
            self._observer.emit(
                SystemEvent(kind="store_recovered", detail={"store": "redis", "url": self._display_url})
            )
        if state != "half_open":
            self._reported_state = state

    def _check_turn_sizes(self, thread_id: str, turn_jsons: Sequence[str]) -> None:
        for blob in turn_jsons:
            size = len(blob.encode())
            if size > self._max_turn_bytes:
                raise StorageError(
                    f"a turn of conversation {thread_id} would need {size:,} bytes, more than "
                    f"ZEN_STORE_MAX_TURN_BYTES={self._max_turn_bytes:,}; nothing was written. "
                    "Send large content as files"
                )

    def _too_big(self, thread_id: str, size: int) -> StorageError:
        return StorageError(
            f"conversation {thread_id} would need {size:,} bytes, more than "
            f"ZEN_STORE_MAX_THREAD_BYTES={self._max_thread_bytes:,}; nothing was written. Start a new "
            "conversation without continuation_id and send large content as files"
        )

    def _refusal(self, thread_id: str, status: str, reply: Sequence[Any]) -> Exception:
        if status == "missing":
            return ThreadNotFoundError(
                f"continuation_id {thread_id} does not match any conversation in the conversation store "
                "(it never existed or expired after CONVERSATION_TIMEOUT_HOURS); start a new "
                "conversation without continuation_id"
            )
        if status == "corrupt":
            return unreadable(thread_id, _text(reply[1]))
        if status == "version":
            return unreadable(
                thread_id,
                f"it was stored with schema version {_text(reply[1])!r}; this server reads "
                f"{SCHEMA_VERSION!r}",
            )
        return StorageError(f"the conversation store gave an unexpected reply {status!r} for {thread_id}")


def _status(reply: Sequence[Any]) -> str:
    return _text(reply[0])


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


__all__ = ["RedisStore"]
