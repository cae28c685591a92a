"""The HTTP API: paths, JSON shapes, status codes and Toxiproxy's error bodies."""

from __future__ import annotations

import json
import socket

import httpx
import pytest

from harness.proxy.testing import EchoServer, connect, round_trip

UPSTREAM = "127.0.0.1:9"  # never dialled by these tests


def _error(response: httpx.Response) -> tuple[int, str]:
    body = json.loads(response.text)
    assert body["status"] == response.status_code
    return response.status_code, str(body["error"])


def _create(api: httpx.Client, name: str, upstream: str = UPSTREAM, **extra: object) -> httpx.Response:
    return api.post("/proxies", json={"name": name, "upstream": upstream, "listen": "127.0.0.1:0", **extra})


def test_proxy_create_show_index_delete_round_trip(api: httpx.Client) -> None:
    created = _create(api, "one")
    assert created.status_code == 201
    body = created.json()
    assert list(body) == ["name", "listen", "upstream", "enabled", "toxics"]
    assert body["enabled"] is True and body["toxics"] == []
    assert not body["listen"].endswith(":0")  # port 0 reports the real port
    assert api.get("/proxies/one").json() == body
    assert api.get("/proxies").json() == {"one": body}
    assert api.delete("/proxies/one").status_code == 204
    assert api.get("/proxies").json() == {}


def test_toxic_create_show_update_delete(api: httpx.Client) -> None:
    _create(api, "p")
    toxic = api.post("/proxies/p/toxics", json={"type": "latency", "attributes": {"latency": 10}})
    assert toxic.status_code == 200
    assert toxic.json() == {
        "attributes": {"latency": 10, "jitter": 0},
        "name": "latency_downstream",
        "type": "latency",
        "stream": "downstream",
        "toxicity": 1,
    }
    assert api.get("/proxies/p/toxics/latency_downstream").json() == toxic.json()
    updated = api.patch(
        "/proxies/p/toxics/latency_downstream", json={"attributes": {"jitter": 5}, "toxicity": 0.5}
    )
    assert updated.json()["attributes"] == {"latency": 10, "jitter": 5}
    assert updated.json()["toxicity"] == 0.5
    assert api.post("/proxies/p/toxics/latency_downstream", json={"toxicity": 1}).status_code == 200
    assert api.get("/proxies/p").json()["toxics"] == [api.get("/proxies/p/toxics/latency_downstream").json()]
    assert api.delete("/proxies/p/toxics/latency_downstream").status_code == 204
    assert api.get("/proxies/p/toxics").json() == []


@pytest.mark.parametrize(
    ("type_name", "attributes"),
    [
        ("latency", {"latency": 0, "jitter": 0}),
        ("bandwidth", {"rate": 0}),
        ("slow_close", {"delay": 0}),
        ("timeout", {"timeout": 0}),
        ("reset_peer", {"timeout": 0}),
        ("slicer", {"average_size": 0, "size_variation": 0, "delay": 0}),
        ("limit_data", {"bytes": 0}),
    ],
)
def test_every_toxic_type_lists_its_attributes_with_missing_ones_zero(
    api: httpx.Client, type_name: str, attributes: dict[str, int]
) -> None:
    _create(api, "attrs")
    response = api.post("/proxies/attrs/toxics", json={"type": type_name, "stream": "upstream"})
    assert response.status_code == 200
    assert response.json()["attributes"] == attributes
    assert response.json()["name"] == f"{type_name}_upstream"


def test_upstream_toxics_list_before_downstream_ones(api: httpx.Client) -> None:
    _create(api, "order")
    api.post("/proxies/order/toxics", json={"type": "latency", "name": "d", "stream": "downstream"})
    api.post("/proxies/order/toxics", json={"type": "latency", "name": "u", "stream": "upstream"})
    assert [t["name"] for t in api.get("/proxies/order/toxics").json()] == ["u", "d"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"{not json", "bad request body: invalid character"),
        (b"", "bad request body: EOF"),
        (b'{"name": "x"', "bad request body: unexpected EOF"),
        (b'{"upstream": "127.0.0.1:9"}', "missing required field: name"),
        (b'{"name": "x"}', "missing required field: upstream"),
        (b'{"name": 5, "upstream": "a:1"}', "bad request body: json: cannot unmarshal number"),
    ],
)
def test_proxy_create_rejects_bad_input_with_400(api: httpx.Client, body: bytes, expected: str) -> None:
    status, message = _error(api.post("/proxies", content=body))
    assert status == 400 and message.startswith(expected)
    assert api.get("/proxies").json() == {}


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        ({"type": "earthquake"}, 400, "invalid toxic type"),
        ({"type": ""}, 400, "invalid toxic type"),
        (
            {"type": "latency", "stream": "sideways"},
            400,
            "stream was invalid, can be either upstream or downstream",
        ),
        (
            {"type": "latency", "attributes": {"latency": "slow"}},
            400,
            "bad request body: json: cannot unmarshal",
        ),
        (
            {"type": "latency", "attributes": {"latency": 1.5}},
            400,
            "bad request body: json: cannot unmarshal",
        ),
        ({"type": "latency", "toxicity": "high"}, 400, "bad request body: json: cannot unmarshal string"),
        ({"type": "latency", "name": "taken"}, 409, "toxic already exists"),
    ],
)
def test_toxic_create_rejects_bad_input(
    api: httpx.Client, body: dict[str, object], status: int, expected: str
) -> None:
    _create(api, "t")
    api.post("/proxies/t/toxics", json={"type": "slow_close", "name": "taken", "attributes": {"delay": 7}})
    got_status, message = _error(api.post("/proxies/t/toxics", json=body))
    assert (got_status, message.startswith(expected)) == (status, True), message
    toxics = api.get("/proxies/t/toxics").json()
    assert [(t["name"], t["attributes"]) for t in toxics] == [("taken", {"delay": 7})]


def test_negative_attributes_are_accepted_as_toxiproxy_does(
    api: httpx.Client, echo_server: EchoServer
) -> None:
    listen = _create(api, "neg", echo_server.address).json()["listen"]
    response = api.post("/proxies/neg/toxics", json={"type": "latency", "attributes": {"latency": -100}})
    assert response.status_code == 200 and response.json()["attributes"]["latency"] == -100
    host, _, port = listen.rpartition(":")
    with connect((host, int(port))) as sock:
        assert round_trip(sock) > 0  # a negative delay is answered (no delay), not a crash


def test_not_found_answers(api: httpx.Client) -> None:
    _create(api, "here")
    assert _error(api.get("/proxies/missing")) == (404, "proxy not found")
    assert _error(api.delete("/proxies/missing")) == (404, "proxy not found")
    assert _error(api.patch("/proxies/missing", json={})) == (404, "proxy not found")
    assert _error(api.get("/proxies/missing/toxics")) == (404, "proxy not found")
    assert _error(api.post("/proxies/missing/toxics", json={"type": "latency"})) == (404, "proxy not found")
    assert _error(api.get("/proxies/here/toxics/nope")) == (404, "toxic not found")
    assert _error(api.patch("/proxies/here/toxics/nope", json={})) == (404, "toxic not found")
    assert _error(api.delete("/proxies/here/toxics/nope")) == (404, "toxic not found")


def test_duplicate_proxy_is_409_and_keeps_the_original(api: httpx.Client) -> None:
    original = _create(api, "dup").json()
    assert _error(_create(api, "dup", "127.0.0.1:10")) == (409, "proxy already exists")
    assert api.get("/proxies/dup").json() == original


def test_port_in_use_is_500_with_the_listen_error(api: httpx.Client) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        response = api.post(
            "/proxies", json={"name": "busy", "upstream": UPSTREAM, "listen": f"127.0.0.1:{port}"}
        )
        status, message = _error(response)
    assert status == 500
    assert message == f"listen tcp 127.0.0.1:{port}: bind: address already in use"
    assert _error(api.get("/proxies/busy")) == (404, "proxy not found")


def test_errors_leave_the_server_serving_traffic(api: httpx.Client, echo_server: EchoServer) -> None:
    listen = _create(api, "alive", echo_server.address).json()["listen"]
    api.post("/proxies", content=b"\x00garbage")
    api.post("/proxies/alive/toxics", json={"type": "nope"})
    _create(api, "alive")
    host, _, port = listen.rpartition(":")
    with connect((host, int(port))) as sock:
        round_trip(sock)
    assert api.get("/version").status_code == 200


def test_update_proxy_changes_listen_and_enabled(api: httpx.Client) -> None:
    first = _create(api, "mv").json()
    moved = api.patch("/proxies/mv", json={"listen": "127.0.0.1:0"}).json()
    assert moved["listen"] != first["listen"] and moved["enabled"] is True
    disabled = api.post("/proxies/mv", json={"enabled": False}).json()
    assert disabled["enabled"] is False and disabled["listen"] == moved["listen"]
    status, message = _error(api.patch("/proxies/mv", json={"listen": "no-port-here"}))
    assert status == 500 and "missing port in address" in message
    assert _error(api.patch("/proxies/mv", content=b"[1"))[0] == 400


def test_populate_creates_keeps_and_replaces(api: httpx.Client) -> None:
    kept = _create(api, "keep").json()
    spec = [
        {"name": "keep", "upstream": UPSTREAM, "listen": kept["listen"]},
        {"name": "new", "upstream": UPSTREAM, "listen": "127.0.0.1:0", "enabled": False},
    ]
    response = api.post("/populate", json=spec)
    assert response.status_code == 201
    names = [p["name"] for p in response.json()["proxies"]]
    assert names == ["keep", "new"]
    assert api.get("/proxies/keep").json()["listen"] == kept["listen"]
    assert api.get("/proxies/new").json()["enabled"] is False


def test_populate_validates_every_entry_before_creating_any(api: httpx.Client) -> None:
    spec = [{"name": "a", "upstream": UPSTREAM}, {"upstream": UPSTREAM}]
    response = api.post("/populate", json=spec)
    assert response.status_code == 400
    assert response.json() == {
        "error": "missing required field: name at proxy 2",
        "status": 400,
        "proxies": None,
    }
    assert api.get("/proxies").json() == {}
    assert api.post("/populate", content=b"{}").status_code == 400


def test_reset_enables_every_proxy_and_removes_every_toxic(api: httpx.Client) -> None:
    _create(api, "r1", enabled=False)
    _create(api, "r2")
    api.post("/proxies/r2/toxics", json={"type": "latency"})
    assert api.post("/reset").status_code == 204
    proxies = api.get("/proxies").json()
    assert all(p["enabled"] and p["toxics"] == [] for p in proxies.values())


def test_version_unknown_paths_wrong_methods_and_browsers(api: httpx.Client) -> None:
    version = api.get("/version")
    assert version.status_code == 200 and json.loads(version.text)["version"]
    missing = api.get("/no/such/path")
    assert (missing.status_code, missing.text) == (404, "404 page not found\n")
    assert api.delete("/version").status_code == 405
    browser = api.get("/proxies", headers={"User-Agent": "Mozilla/5.0"})
    assert browser.status_code == 403
