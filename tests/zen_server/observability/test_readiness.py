"""assess_readiness: degraded only for the documented reasons."""

from __future__ import annotations

from zen_server.observability.readiness import assess_readiness, open_providers


def test_ready_when_some_provider_can_serve() -> None:
    report = assess_readiness(breaker_states={"openai": "open", "gemini": "closed"})
    assert report.ready
    assert report.reasons == []
    assert report.details["providers_open"] == ["openai"]


def test_degraded_when_every_provider_is_open() -> None:
    report = assess_readiness(breaker_states={"openai": "open", "gemini/flash": "open", "gemini/pro": "open"})
    assert not report.ready
    assert report.reasons == ["every provider's circuit breaker is open: gemini, openai"]
    assert report.as_json()["status"] == "degraded"


def test_a_configured_provider_without_a_breaker_yet_counts_as_available() -> None:
    report = assess_readiness(breaker_states={"openai": "open"}, configured_providers=["openai", "xai"])
    assert report.ready


def test_a_provider_with_one_healthy_model_is_not_down() -> None:
    states = {"gemini/flash": "open", "gemini/pro": "half_open"}
    assert open_providers(states, ["gemini"]) == []


def test_memory_critical_and_unreachable_store_are_reasons() -> None:
    report = assess_readiness(breaker_states={}, memory_level="critical", store_reachable=False)
    assert not report.ready
    assert len(report.reasons) == 2
    assert assess_readiness(breaker_states={}, memory_level="pressure", store_reachable=None).ready


def test_no_configured_provider_is_not_ready_and_says_what_to_set() -> None:
    report = assess_readiness(
        breaker_states={}, configured_providers=[], provider_setup_hint="set one of OPENAI_API_KEY"
    )
    assert not report.ready
    assert report.reasons == ["no model provider is configured: set one of OPENAI_API_KEY"]


def test_a_draining_instance_is_not_ready_even_when_all_else_is_well() -> None:
    report = assess_readiness(breaker_states={"openai": "closed"}, draining=True)
    assert not report.ready
    assert report.reasons == ["shutting down: finishing the calls in flight, taking no new ones"]
    assert report.details["draining"] is True
