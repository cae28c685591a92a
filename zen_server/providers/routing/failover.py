"""A model's call over its deployments: one attempt each, in the router's order.

Each deployment is tried behind its own breaker (``deployment:<name>``) and bulkhead, after
the shared per-minute quota (distributed mode) allows it; a transient failure moves to the
next deployment (failover instead of retrying the same endpoint). Every attempt is reported
to the router (load, latency, Retry-After, ejection) and as a ``DeploymentAttempt`` event,
and the deployment's in-flight and latency gauges follow it.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Mapping

from zen_server.errors import TransientProviderError
from zen_server.observability.events import DeploymentAttempt, Observer
from zen_server.providers.attempt import observed_generate
from zen_server.providers.catalog import ModelSpec
from zen_server.providers.http import attempt_status
from zen_server.providers.routing.deployments import Deployment
from zen_server.providers.routing.router import Router
from zen_server.providers.routing.shared_quota import SharedQuota
from zen_server.providers.types import ModelRequest, ModelResponse, Provider, ResolvedCall
from zen_server.resilience.breaker import CircuitBreaker
from zen_server.resilience.bulkhead import Bulkhead
from zen_server.resilience.clock import Clock
from zen_server.resilience.deadline import remaining


class DeploymentFailover:
    def __init__(
        self,
        router: Router,
        providers: Mapping[str, Provider],
        *,
        breaker: Callable[[str], CircuitBreaker],
        observer: Observer,
        clock: Clock,
        default_max_in_flight: int,
        shared_quota: SharedQuota | None = None,
    ) -> None:
        self.router = router
        self._providers = dict(providers)
        self._breaker = breaker
        self._observer = observer
        self._clock = clock
        self._shared_quota = shared_quota
        self._bulkheads = {
            d.name: Bulkhead(d.name, d.max_in_flight or default_max_in_flight, observer=observer)
            for d in router.deployments()
        }

    def serves(self, model: str) -> bool:
        return self.router.serves(model)

    async def call(self, request: ModelRequest, spec: ModelSpec) -> ModelResponse:
        """One attempt per deployment in the router's order, until one answers."""
        last_error: TransientProviderError | None = None
        for deployment in self.router.order(spec.name):
            if remaining() <= 0:
                break
            try:
                response = await self._attempt(request, spec, deployment)
            except TransientProviderError as error:
                last_error = error
                continue
            return dataclasses.replace(response, deployment=deployment.name, region=deployment.region)
        if last_error is None:
            raise TransientProviderError(
                f"no deployment of {spec.name} could be tried in time",
                provider=spec.provider,
                model=spec.name,
            )
        raise last_error

    async def _attempt(self, request: ModelRequest, spec: ModelSpec, deployment: Deployment) -> ModelResponse:
        router = self.router
        breaker = self._breaker(f"deployment:{deployment.name}")
        breaker.check(provider=deployment.kind, model=spec.name)  # open: skip it, no attempt
        quota = self._shared_quota
        if quota is not None and not await quota.take(deployment):
            # Spent by all instances together this minute: out until the next, no failure.
            router.cool(deployment.name, quota.seconds_to_next_window())
            raise TransientProviderError(
                f"deployment {deployment.name} is at its shared quota",
                provider=deployment.kind,
                model=spec.name,
            )
        wire = deployment.wire_name(spec.name) or spec.wire_name
        target = ResolvedCall(provider=deployment.kind, model=spec.name, api_model=wire)
        async with self._bulkheads[deployment.name].slot(model=spec.name):
            router.started(deployment.name)
            self._gauges(deployment)
            started = self._clock()
            response: ModelResponse | None = None
            error: BaseException | None = None
            try:
                with breaker.guard(provider=deployment.kind, model=spec.name):
                    response = await observed_generate(
                        self._providers[deployment.name],
                        request,
                        target,
                        observer=self._observer,
                        clock=self._clock,
                    )
                if quota is not None:
                    await quota.spent(deployment, response.usage.total_tokens)
                return response
            except BaseException as exc:
                error = exc
                raise
            finally:
                self._finished(deployment, spec, started, response, error)

    def _finished(
        self,
        deployment: Deployment,
        spec: ModelSpec,
        started: float,
        response: ModelResponse | None,
        error: BaseException | None,
    ) -> None:
        took = max(0.0, self._clock() - started)
        cancelled = isinstance(error, asyncio.CancelledError)
        # A permanent error (bad request) or a cancellation says nothing against the deployment.
        failed = isinstance(error, TransientProviderError)
        retry_after = error.retry_after if isinstance(error, TransientProviderError) else None
        tokens = response.usage.total_tokens if response is not None else 0
        ejected = self.router.finished(
            deployment.name, ok=not failed, latency_s=took, retry_after=retry_after, tokens=tokens
        )
        status = "cancelled" if cancelled else attempt_status(error if isinstance(error, Exception) else None)
        self._observer.emit(
            DeploymentAttempt(
                deployment=deployment.name,
                region=deployment.region,
                model=spec.name,
                status=status,
                duration_s=took,
                ejected_for_s=ejected,
            )
        )
        self._gauges(deployment)

    def _gauges(self, deployment: Deployment) -> None:
        view = self.router.view(deployment.name)
        labels = {"deployment": deployment.name, "region": deployment.region}
        self._observer.set_gauge("deployment_in_flight", view.in_flight, **labels)
        self._observer.set_gauge("deployment_ewma_latency_seconds", view.ewma_latency_s, **labels)
