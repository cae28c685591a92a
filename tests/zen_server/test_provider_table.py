"""The provider table is the one source: config, catalog, factory, listmodels and the
start-up event all say what it says, and agree on which providers are configured."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from zen_server.config import Settings
from zen_server.observability.startup import startup_event
from zen_server.provider_table import LISTING_ORDER, PROVIDER_PRIORITY, PROVIDERS, provider_entry
from zen_server.providers.catalog import ModelCatalog, load_builtin_specs
from zen_server.providers.factory import endpoint_for
from zen_server.tools.listmodels import PROVIDERS as LISTED
from zen_server.tools.listmodels import render_catalog

SECRET_FIELDS = {name for name, info in Settings.model_fields.items() if info.annotation == SecretStr | None}


def test_every_variable_the_table_names_is_a_setting() -> None:
    for entry in PROVIDERS:
        for variable in entry.variables:
            assert variable.lower() in Settings.model_fields, f"{entry.name}: {variable} is not parsed"


def test_every_provider_key_is_a_secret_and_is_redacted() -> None:
    keys = {entry.key_variable.lower() for entry in PROVIDERS}
    assert keys <= SECRET_FIELDS
    # Besides the providers' keys: the server's own tokens and the key of the jules tool.
    unknown = SECRET_FIELDS - keys
    assert unknown == {"zen_auth_token", "zen_metrics_token", "jules_api_key"}, (
        "a secret setting nobody knows"
    )
    values: dict[str, Any] = {name: SecretStr(f"secret-{name}") for name in SECRET_FIELDS}
    assert set(Settings(**values).secrets()) == {f"secret-{name}" for name in SECRET_FIELDS}


def test_listing_order_and_priority_name_the_same_providers() -> None:
    assert sorted(LISTING_ORDER) == sorted(PROVIDER_PRIORITY)
    assert len(set(PROVIDER_PRIORITY)) == len(PROVIDER_PRIORITY)
    assert list(LISTED) == list(LISTING_ORDER)
    for name, (label, variable) in LISTED.items():
        assert (label, variable) == (provider_entry(name).label, provider_entry(name).how_to_enable)


def test_every_catalog_model_belongs_to_a_provider_of_the_table() -> None:
    assert {spec.provider for spec in load_builtin_specs()} <= set(PROVIDER_PRIORITY)


def test_each_openai_dialect_endpoint_is_the_table_entry_at_the_configured_url() -> None:
    for entry in PROVIDERS:
        if entry.dialect != "openai":
            continue
        values: dict[str, Any] = {
            entry.key_variable.lower(): SecretStr(" k "),
            entry.url_variable.lower(): "http://u",
        }
        endpoint = endpoint_for(entry.name, Settings(**values))
        assert (endpoint.provider, endpoint.base_url, endpoint.api_key) == (entry.name, "http://u", "k")
        assert (endpoint.auth_header, endpoint.deployments, endpoint.token_field) == (
            entry.auth_header,
            entry.deployments,
            entry.token_field,
        )
        assert dict(endpoint.extra_headers) == dict(entry.extra_headers)


def test_a_blank_key_or_an_azure_key_without_endpoint_configures_nothing_anywhere() -> None:
    # The start-up event used to count both as configured while the catalog did not.
    settings = Settings(openai_api_key=SecretStr("   "), azure_openai_api_key=SecretStr("azure-key"))
    assert startup_event(settings).detail["providers"] == []
    assert ModelCatalog.from_settings(settings).configured_providers() == []


VALUES = st.sampled_from([None, "", "   ", "value"])
VARIABLES = sorted({v.lower() for entry in PROVIDERS for v in entry.required_variables})


@settings(max_examples=60, deadline=None)
@given(st.fixed_dictionaries({name: VALUES for name in VARIABLES}))
def test_catalog_start_up_event_and_listmodels_agree_on_what_is_configured(
    chosen: dict[str, str | None],
) -> None:
    values: dict[str, Any] = {name: value for name, value in chosen.items() if value is not None}
    settings_ = Settings(**values)
    catalog = ModelCatalog.from_settings(settings_)
    expected = [
        e.name
        for e in PROVIDERS
        if all(chosen[v.lower()] not in (None, "", "   ") for v in e.required_variables)
    ]
    assert catalog.configured_providers() == expected
    assert startup_event(settings_).detail["providers"] == expected
    _, metadata = render_catalog(catalog, settings_)
    assert [name for name, on in metadata["providers"].items() if on] == [
        name for name in LISTING_ORDER if name in expected
    ]
