"""One provider HTTP attempt, timed and reported: the step both call paths share.

The gateway's provider path and the deployment failover (``routing.failover``) each end in
:func:`observed_generate`: the provider is called with the deadline left minus a small
reserve (:func:`provider_timeout`) and every attempt becomes a ``ProviderAttempt`` event.
"""

from __future__ import annotations

import asyncio

from zen_server.observability.events import Observer, ProviderAttempt
from zen_server.providers.http import attempt_status
from zen_server.providers.types import ModelRequest, ModelResponse, Provider, ResolvedCall
from zen_server.resilience.clock import Clock
from zen_server.resilience.deadline import remaining


def provider_timeout(left: float) -> float:
    """The time one attempt may take: the deadline left, minus a small reserve.

    The reserve lets the provider's own timeout fire first, so a hanging provider ends as a
    TransientProviderError the breakers count, rather than as a cancellation by the call's
    deadline, which says nothing about the provider and would never open a breaker.
    """
    reserve = min(0.5, max(0.05, 0.05 * left))
    return max(0.0, left - reserve)


async def observed_generate(
    provider: Provider,
    request: ModelRequest,
    target: ResolvedCall,
    *,
    observer: Observer,
    clock: Clock,
) -> ModelResponse:
    started = clock()
    error: BaseException | None = None
    try:
        return await provider.generate(request, target, timeout=provider_timeout(remaining()))
    except asyncio.CancelledError as exc:
        error = exc
        raise
    except Exception as exc:
        error = exc
        raise
    finally:
        status = "cancelled" if isinstance(error, asyncio.CancelledError) else attempt_status(error)
        observer.emit(
            ProviderAttempt(
                provider=target.provider,
                model=target.model,
                status=status,
                duration_s=max(0.0, clock() - started),
            )
        )
