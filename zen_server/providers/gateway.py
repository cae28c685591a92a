"""ModelGateway: the ModelCaller tools use. Route, protect, retry, fall back.

For one ``generate(request)``:

1. Resolve the model: ``auto`` (or an empty name with DEFAULT_MODEL=auto) -> the catalog's
   ``pick_auto(tool_name)``; otherwise ``resolve(name)`` (UnknownModelError if unusable).
2. Build the candidate chain: the model, then, when ``request.allow_fallback``, its
   equivalents on other configured providers (explicit model) or any provider's best
   model (auto mode).
3. For each candidate, one :class:`RetryPolicy` run whose attempt is: look at the provider
   and provider/model breakers (open -> CircuitOpenError at once, no waiting), take a
   bulkhead slot, a rate-limit token, then call ``provider.generate`` with the deadline
   left minus a small reserve (``attempt.provider_timeout``)
   under both breakers' guards. Every attempt is a ``ProviderAttempt`` event.
4. A CircuitOpenError or a transient failure the retry policy gave up on moves to the next
   candidate (``FallbackTaken`` event); a permanent error, a cancellation or the deadline
   ends the call. The answer names the provider and model that answered and the
   providers tried before (``fell_back_from``).

With ZEN_DEPLOYMENTS, a candidate model that deployments serve is not called on its
provider but on its deployments (``routing.failover``), in the order the :class:`Router` gives
(strategy, ejection, region): one attempt per deployment, each behind that deployment's own breaker and
bulkhead, the next deployment on a transient failure (failover instead of retrying the
same endpoint); only when every deployment failed does the chain move to the fallback
model. The answer names the deployment and region (``ModelResponse.deployment/region``).

Deadline: everything is bounded by :func:`remaining`; cancellation propagates unchanged.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping

from zen_server.config import Settings
from zen_server.errors import TransientProviderError
from zen_server.observability.events import FallbackTaken, NullObserver, Observer
from zen_server.providers.attempt import observed_generate
from zen_server.providers.catalog import ModelCatalog, ModelSpec
from zen_server.providers.factory import build_providers
from zen_server.providers.routing.clients import build_deployment_providers
from zen_server.providers.routing.deployments import Deployment
from zen_server.providers.routing.failover import DeploymentFailover
from zen_server.providers.routing.health import EjectionPolicy
from zen_server.providers.routing.router import Router
from zen_server.providers.routing.shared_quota import SharedQuota
from zen_server.providers.types import ModelRequest, ModelResponse, Provider, ResolvedCall
from zen_server.resilience.breaker import CircuitBreaker
from zen_server.resilience.bulkhead import Bulkhead
from zen_server.resilience.clock import Clock, monotonic
from zen_server.resilience.deadline import remaining
from zen_server.resilience.ratelimit import RateLimiter
from zen_server.resilience.retry import RetryBudget, RetryPolicy


@dataclasses.dataclass(frozen=True, slots=True)
class BreakerConfig:
    failure_rate: float = 0.5
    min_calls: int = 20
    window_s: float = 30.0
    window_calls: int = 100
    consecutive_failures: int = 12
    open_s: float = 5.0
    max_open_s: float = 60.0
    half_open_probes: int = 1

    @classmethod
    def from_settings(cls, settings: Settings) -> BreakerConfig:
        return cls(
            failure_rate=settings.zen_breaker_failure_rate,
            min_calls=settings.zen_breaker_min_calls,
            window_s=settings.zen_breaker_window_s,
            window_calls=settings.zen_breaker_window_calls,
            consecutive_failures=settings.zen_breaker_consecutive_failures,
            open_s=settings.zen_breaker_open_s,
            max_open_s=settings.zen_breaker_max_open_s,
            half_open_probes=settings.zen_breaker_half_open_probes,
        )


class ModelGateway:
    def __init__(
        self,
        catalog: ModelCatalog,
        providers: Mapping[str, Provider],
        *,
        observer: Observer | None = None,
        retry: RetryPolicy | None = None,
        breaker_config: BreakerConfig | None = None,
        provider_max_in_flight: int = 64,
        rate_limits: Mapping[str, float] | None = None,
        default_model: str = "auto",
        clock: Clock = monotonic,
        router: Router | None = None,
        deployment_providers: Mapping[str, Provider] | None = None,
        shared_quota: SharedQuota | None = None,
    ) -> None:
        self._catalog = catalog
        self._providers = dict(providers)
        self._observer: Observer = observer or NullObserver()
        self._retry = retry or RetryPolicy(observer=self._observer)
        self._breaker_config = breaker_config or BreakerConfig()
        self._clock = clock
        self._default_model = default_model
        self._breakers: dict[str, CircuitBreaker] = {}
        self._bulkheads = {
            name: Bulkhead(name, provider_max_in_flight, observer=self._observer) for name in self._providers
        }
        self._limiters = {
            name: RateLimiter(name, rate) for name, rate in (rate_limits or {}).items() if rate > 0
        }
        self._router = router
        self._shared_quota = shared_quota
        self._deployment_providers = dict(deployment_providers or {})
        self._failover = (
            None
            if router is None
            else DeploymentFailover(
                router,
                self._deployment_providers,
                breaker=self.breaker,
                observer=self._observer,
                clock=clock,
                default_max_in_flight=provider_max_in_flight,
                shared_quota=shared_quota,
            )
        )

    # --- public -------------------------------------------------------------------------
    def first_choice(self, request: ModelRequest) -> ModelSpec:
        """The model ``request`` goes to first (UnknownModelError if none); the response cache keys on it."""
        name = request.model.strip() or self._default_model
        if name.lower() == "auto":
            return self._catalog.pick_auto(request.tool_name)
        return self._catalog.resolve(name)

    def target_for(self, request: ModelRequest) -> ResolvedCall:
        spec = self.first_choice(request)
        return ResolvedCall(provider=spec.provider, model=spec.name, api_model=spec.wire_name)

    async def generate(self, request: ModelRequest) -> ModelResponse:
        name = request.model.strip() or self._default_model
        auto = name.lower() == "auto"
        spec = self.first_choice(request)
        chain = [spec]
        if request.allow_fallback:
            any_provider = auto or request.auto_selected
            chain += self._catalog.auto_fallbacks(spec) if any_provider else self._catalog.fallbacks_for(spec)
        chain = [s for s in chain if s.provider in self._providers or self._routed(s)]
        if not chain:
            raise TransientProviderError(
                f"no client is running for provider {spec.provider}", provider=spec.provider, model=spec.name
            )
        tried: list[str] = []
        last_error: TransientProviderError | None = None
        for index, candidate in enumerate(chain):
            if index > 0:
                previous = chain[index - 1]
                self._observer.emit(
                    FallbackTaken(
                        from_provider=previous.provider,
                        to_provider=candidate.provider,
                        model=candidate.name,
                        reason=str(last_error)[:300],
                    )
                )
            try:
                response = await self._call(request, candidate)
            except TransientProviderError as error:
                last_error = error
                tried.append(candidate.provider)
                if remaining() <= 0:
                    break
                continue
            return dataclasses.replace(response, fell_back_from=tuple(tried))
        assert last_error is not None
        raise last_error

    @property
    def router(self) -> Router | None:
        return self._router

    def breaker_states(self) -> dict[str, str]:
        return {key: breaker.state for key, breaker in sorted(self._breakers.items())}

    def breaker(self, key: str) -> CircuitBreaker:
        """The breaker for ``"provider"`` or ``"provider/model"``, created on first use."""
        found = self._breakers.get(key)
        if found is None:
            cfg = self._breaker_config
            found = CircuitBreaker(
                key,
                failure_rate=cfg.failure_rate,
                min_calls=cfg.min_calls,
                window_s=cfg.window_s,
                window_calls=cfg.window_calls,
                consecutive_failures=cfg.consecutive_failures,
                open_s=cfg.open_s,
                max_open_s=cfg.max_open_s,
                half_open_probes=cfg.half_open_probes,
                observer=self._observer,
                clock=self._clock,
            )
            self._breakers[key] = found
        return found

    async def aclose(self) -> None:
        clients = [*self._providers.values(), *self._deployment_providers.values()]
        closing = [p.aclose() for p in clients]
        if self._shared_quota is not None:
            closing.append(self._shared_quota.aclose())
        results = await asyncio.gather(*closing, return_exceptions=True)
        del results  # closing is best effort: one failing client must not keep the others open

    # --- one candidate ------------------------------------------------------------------
    def _routed(self, spec: ModelSpec) -> bool:
        return self._failover is not None and self._failover.serves(spec.name)

    async def _call(self, request: ModelRequest, spec: ModelSpec) -> ModelResponse:
        if self._failover is not None and self._failover.serves(spec.name):
            return await self._failover.call(request, spec)
        provider = self._providers[spec.provider]
        target = ResolvedCall(provider=spec.provider, model=spec.name, api_model=spec.wire_name)
        provider_breaker = self.breaker(spec.provider)
        model_breaker = self.breaker(f"{spec.provider}/{spec.name}")
        bulkhead = self._bulkheads[spec.provider]
        limiter = self._limiters.get(spec.provider)

        async def attempt(number: int) -> ModelResponse:
            # Fail fast before queueing for a slot when either breaker is open.
            provider_breaker.check(provider=spec.provider, model=spec.name)
            model_breaker.check(provider=spec.provider, model=spec.name)
            async with bulkhead.slot(model=spec.name):
                if limiter is not None:
                    await limiter.acquire(model=spec.name)
                with (
                    provider_breaker.guard(provider=spec.provider, model=spec.name),
                    model_breaker.guard(provider=spec.provider, model=spec.name),
                ):
                    return await self._observed(provider, request, target)

        return await self._retry.run(attempt, provider=spec.provider, model=spec.name)

    async def _observed(
        self, provider: Provider, request: ModelRequest, target: ResolvedCall
    ) -> ModelResponse:
        return await observed_generate(provider, request, target, observer=self._observer, clock=self._clock)


def build_model_gateway(
    settings: Settings,
    catalog: ModelCatalog,
    observer: Observer,
    deployments: list[Deployment] | None = None,
) -> ModelGateway:
    """The gateway with one client per configured provider (and per deployment) and the
    settings' policies."""
    providers = build_providers(settings, catalog)
    router = None
    shared_quota = None
    if settings.distributed_mode and any(d.rpm is not None or d.tpm is not None for d in deployments or []):
        shared_quota = SharedQuota.from_url(settings.redis_url, prefix=settings.zen_redis_prefix)
    if deployments:
        router = Router(
            deployments,
            strategy=settings.zen_routing,
            region=settings.zen_region,
            policy=EjectionPolicy(
                consecutive_failures=settings.zen_ejection_consecutive_failures,
                base_ejection_s=settings.zen_ejection_base_s,
                max_ejection_s=settings.zen_ejection_max_s,
                max_ejection_percent=settings.zen_ejection_max_percent,
            ),
        )
    retry = RetryPolicy(
        max_attempts=settings.zen_retry_max_attempts,
        budget=RetryBudget(settings.zen_retry_budget_ratio),
        observer=observer,
    )
    rate_limits = {name: rate for name in providers if (rate := settings.rate_limit_for(name)) is not None}
    return ModelGateway(
        catalog,
        providers,
        observer=observer,
        retry=retry,
        breaker_config=BreakerConfig.from_settings(settings),
        provider_max_in_flight=settings.provider_max_in_flight,
        rate_limits=rate_limits,
        default_model=settings.default_model,
        router=router,
        deployment_providers=build_deployment_providers(deployments or [], settings, catalog),
        shared_quota=shared_quota,
    )
