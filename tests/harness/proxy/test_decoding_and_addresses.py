"""Body decoding says what Go's decoder says; listen addresses parse as Toxiproxy parses them."""

from __future__ import annotations

import httpx
import pytest

from harness.errors import ToxiproxyAPIError, ToxiproxyBadRequest
from harness.proxy.decoding import get_bool, get_float, get_str, require_list, require_object
from harness.proxy.proxy import normalize_listen, split_address

PREFIX = "bad request body: json: cannot unmarshal "


@pytest.mark.parametrize(
    ("value", "kind"),
    [(True, "bool"), ([1], "array"), ("x", "string"), (3, "number"), (1.5, "number 1.5"), ({}, "object")],
)
def test_type_errors_name_the_json_kind_the_way_go_does(value: object, kind: str) -> None:
    with pytest.raises(ToxiproxyBadRequest) as caught:
        get_bool({"enabled": value}, "enabled", "Proxy", True) if kind != "bool" else get_str(
            {"name": value}, "name", "Proxy", ""
        )
    field = "Proxy.enabled of type bool" if kind != "bool" else "Proxy.name of type string"
    assert caught.value.message == f"{PREFIX}{kind} into Go struct field {field}"
    assert caught.value.status == 400


def test_top_level_values_of_the_wrong_shape_are_refused() -> None:
    with pytest.raises(ToxiproxyBadRequest) as caught:
        require_object([], "main.Proxy")
    assert caught.value.message == f"{PREFIX}array into Go value of type main.Proxy"
    with pytest.raises(ToxiproxyBadRequest) as caught:
        require_list({}, "[]main.Proxy")
    assert caught.value.message == f"{PREFIX}object into Go value of type []main.Proxy"
    assert require_list([1], "[]x") == [1]


def test_fields_match_case_insensitively_and_null_keeps_the_default() -> None:
    assert get_bool({"ENABLED": False}, "enabled", "Proxy", True) is False
    assert get_bool({"enabled": None}, "enabled", "Proxy", True) is True
    assert get_float({"Toxicity": 0.25}, "toxicity", "Toxic", 1.0) == 0.25
    with pytest.raises(
        ToxiproxyBadRequest, match=r"cannot unmarshal bool into Go struct field Toxic\.toxicity"
    ):
        get_float({"toxicity": True}, "toxicity", "Toxic", 1.0)


@pytest.mark.parametrize(
    ("address", "expected"),
    [("127.0.0.1:8080", ("127.0.0.1", 8080)), ("[::1]:9", ("::1", 9)), ("localhost:", ("localhost", 0))],
)
def test_addresses_split_into_host_and_port(address: str, expected: tuple[str, int]) -> None:
    assert split_address(address) == expected


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("nohost", "address nohost: missing port in address"),
        ("h:70000", "address 70000: invalid port"),
        ("h:http", "address http: invalid port"),
    ],
)
def test_bad_addresses_are_500s_with_gos_text(address: str, message: str) -> None:
    with pytest.raises(ToxiproxyAPIError) as caught:
        split_address(address)
    assert caught.value.message == message
    assert caught.value.status == 500


def test_an_empty_or_localhost_listen_host_means_loopback() -> None:
    assert normalize_listen("") == "127.0.0.1:0"
    assert normalize_listen("localhost:") == "127.0.0.1:0"
    assert normalize_listen("10.0.0.1:5") == "10.0.0.1:5"


def test_a_listen_address_with_an_empty_port_binds_a_free_one(api: httpx.Client, embedded_only: None) -> None:
    created = api.post("/proxies", json={"name": "p0", "upstream": "127.0.0.1:1", "listen": "127.0.0.1:"})
    assert created.status_code == 201
    host, port = created.json()["listen"].rsplit(":", 1)
    assert host == "127.0.0.1" and int(port) > 0


def test_a_listen_port_out_of_range_is_refused_with_500(api: httpx.Client, embedded_only: None) -> None:
    answer = api.post(
        "/proxies", json={"name": "big", "upstream": "127.0.0.1:1", "listen": "127.0.0.1:99999"}
    )
    assert answer.status_code == 500
    assert answer.json()["error"] == "address 99999: invalid port"
    assert api.get("/proxies").json() == {}
