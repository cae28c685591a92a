"""Issue 5, provider faults: 500s and the breaker, a hanging provider, 429 + Retry-After, fallback.

Each test runs the server as ``build_app`` builds it against real fake providers on real
sockets, and turns faults on and off through the fakes' control API while it runs.
"""

from __future__ import annotations

import asyncio

from tests.integration.conftest import AppFactory, ChatCall, FakeFactory, Timed

ERROR_500 = {"kind": "error", "status": 500, "rate": 1.0}


async def test_breaker_opens_at_threshold_fails_fast_while_open_and_a_probe_closes_it(
    fakes: FakeFactory, zen_app: AppFactory, chat_call: ChatCall
) -> None:
    fake = fakes(faults=[ERROR_500])
    deadline_s, min_calls, open_s = 3.0, 5, 1.0
    calls: list[Timed] = []
    async with zen_app(
        custom_api_url=fake.url,
        zen_tool_deadline_s=deadline_s,
        zen_breaker_min_calls=min_calls,
        zen_breaker_open_s=open_s,
        # The default retry policy stays on: retries count towards the breaker too.
    ) as app:
        # 1. Failing calls (each retried by the default policy) until the breaker opens.
        while app.gateway.breaker_states().get("custom") != "open":
            calls.append(await chat_call(app))
            assert not calls[-1].ok
            assert len(calls) <= min_calls, "the breaker did not open at its threshold"
        assert fake.requests() == min_calls, "the breaker must open on the min_calls-th failure"

        # 2. While open: refused at once, the provider is not called.
        before = fake.requests()
        open_calls = [await chat_call(app) for _ in range(20)]
        assert fake.requests() == before
        for call in open_calls:
            assert call.error_type == "CircuitOpenError", call.result.content
            assert "circuit breaker" in call.result.content and "is open" in call.result.content
        calls += open_calls

        # 3. The fault clears; after the open period one half-open probe closes the breaker.
        fake.faults()
        await asyncio.sleep(open_s + 0.05)
        probe = await chat_call(app)
        assert probe.ok, probe.result.content
        assert app.gateway.breaker_states() == {"custom": "closed", f"custom/{'llama3.2'}": "closed"}
        assert fake.requests() == before + 1
        calls.append(probe)
        after = [await chat_call(app) for _ in range(3)]
        assert all(c.ok for c in after)
        calls += after
    # How fast a refusal is, and that no call outlives its deadline, are figures measured by
    # benchmarks/bench_hardening.py and the hanging-provider scenario, not wall-clock asserts here.
    assert not any(c.error_type == "DeadlineExceeded" for c in calls)


async def test_hanging_provider_gets_a_deadline_error_on_time_and_others_are_unaffected(
    fakes: FakeFactory, zen_app: AppFactory, chat_call: ChatCall
) -> None:
    hanging = fakes(faults=[{"kind": "hang", "at": "start", "rate": 1.0}])
    healthy = fakes(latency_ms=100)
    deadline_s = 5.0
    async with zen_app(
        openai_api_key="sk-integration-0000",
        openai_base_url=hanging.url,
        custom_api_url=healthy.url,
        zen_tool_deadline_s=deadline_s,
    ) as app:
        stuck = asyncio.create_task(chat_call(app, "will hang", model="gpt5"))
        await asyncio.to_thread(hanging.server.control.wait_for_in_flight, 1)
        # While the hung call waits, rounds of calls to the healthy provider.
        healthy_calls: list[Timed] = []
        for _ in range(3):
            healthy_calls += await asyncio.gather(*(chat_call(app, f"fine {i}") for i in range(10)))
        # The hung request is still held at its provider: the healthy calls were all served
        # beside it, not after it (a state, read once, rather than a race against a clock).
        still_hung = hanging.server.engine.stats.in_flight
        hung = await stuck

    # Either the call's deadline fires (DeadlineExceeded), or, as the gateway now arranges
    # (providers.attempt.provider_timeout), the provider's own timeout fires just before it, so
    # the breakers count the hang; both say the deadline ran out, and both come on time.
    assert hung.error_type in {"DeadlineExceeded", "TransientProviderError"}, hung.result.content
    assert "deadline" in hung.result.content, hung.result.content
    assert hung.seconds >= deadline_s * 0.9, f"returned after {hung.seconds:.3f} s, before the deadline"
    assert all(c.ok for c in healthy_calls), [c.result.content for c in healthy_calls if not c.ok][:2]
    assert all(c.result.metadata["provider_used"] == "custom" for c in healthy_calls)
    assert still_hung == 1, "the healthy calls did not all finish while the other call hung"
    # The hung request was abandoned: the client disconnected, the fake holds nothing.
    await asyncio.to_thread(hanging.server.control.wait_for_in_flight, 0)


async def test_429_with_retry_after_is_never_retried_sooner(
    fakes: FakeFactory, zen_app: AppFactory, chat_call: ChatCall
) -> None:
    fake = fakes(faults=[{"kind": "error", "status": 429, "retry_after_s": 2, "rate": 1.0, "max_count": 2}])
    async with zen_app(custom_api_url=fake.url, zen_tool_deadline_s=10, zen_breaker_min_calls=10) as app:
        call = await chat_call(app)

    assert call.ok, call.result.content
    stats = fake.server.control.stats()
    assert stats.by_status == {"429": 2, "200": 1}
    assert len(fake.arrivals) == 3
    gaps = [b - a for a, b in zip(fake.arrivals, fake.arrivals[1:], strict=False)]
    assert all(gap >= 2.0 for gap in gaps), f"retried after {gaps} s despite Retry-After: 2"


async def test_429_whose_retry_after_outlasts_the_deadline_fails_at_once(
    fakes: FakeFactory, zen_app: AppFactory, chat_call: ChatCall
) -> None:
    """Never sleep past the deadline: a Retry-After beyond it is an immediate, explained failure."""
    fake = fakes(faults=[{"kind": "error", "status": 429, "retry_after_s": 5, "rate": 1.0}])
    async with zen_app(custom_api_url=fake.url, zen_tool_deadline_s=2) as app:
        call = await chat_call(app)
    assert call.error_type == "TransientProviderError"
    # Refused at once: a sleep towards the Retry-After would have ended in DeadlineExceeded.
    assert "not retried" in call.result.content and "HTTP 429" in call.result.content
    assert fake.requests() == 1


async def test_primary_down_calls_succeed_through_the_secondary_and_say_so(
    fakes: FakeFactory, zen_app: AppFactory, chat_call: ChatCall
) -> None:
    primary = fakes(faults=[{"kind": "error", "status": 503, "rate": 1.0}])
    secondary = fakes()
    async with zen_app(
        openai_api_key="sk-integration-0000",
        openai_base_url=primary.url,
        openrouter_api_key="sk-or-integration-0000",
        openrouter_base_url=secondary.url,
        zen_tool_deadline_s=10,
    ) as app:
        calls = [await chat_call(app, f"q{i}", model="gpt5") for i in range(12)]
        states = app.gateway.breaker_states()

    for call in calls:
        assert call.ok, call.result.content
        assert call.result.metadata["provider_used"] == "openrouter"
        assert call.result.metadata["model_used"] == "openai/gpt-5"
        assert '"provider_used": "openrouter"' in call.result.content  # the client's envelope
    assert call.result.model_response is not None
    assert states["openai"] == "open"
    # Once the primary's breaker is open, fallback is immediate: no attempt on the primary.
    opened_after = primary.requests()
    assert opened_after == 12  # ZEN_BREAKER_CONSECUTIVE_FAILURES: 12 failures in a row
    assert secondary.requests() == len(calls)
    bodies = [r["body"]["model"] for r in secondary.server.control.stats(bodies=10).recent]
    assert set(bodies) == {"openai/gpt-5"}
