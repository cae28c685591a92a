"""Control API edge cases: empty bodies, PATCH of models, per-model routes, and the 400/404/405 answers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from fakes.testing import FakeServer

CHAT = {"model": "gpt-5", "messages": [{"role": "user", "content": "hi"}]}


def control(fake: FakeServer, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(method, f"{fake.base_url}/_fake/{path}", timeout=5, **kwargs)


def chat_status(fake: FakeServer, model: str) -> int:
    url = f"{fake.openai_base_url}/chat/completions"
    return httpx.post(url, json={**CHAT, "model": model}, timeout=5).status_code


def test_patch_models_sets_and_removes_overrides(fake_openai: FakeServer) -> None:
    fake_openai.control.set_model("o3", {"faults": [{"kind": "error", "status": 502}]})
    fake_openai.control.patch_behaviour(
        {"models": {"o3": None, "gone-already": None, "o4": {"faults": [{"kind": "error", "status": 503}]}}}
    )
    assert set(fake_openai.control.behaviour().models) == {"o4"}
    assert (chat_status(fake_openai, "o3"), chat_status(fake_openai, "o4")) == (200, 503)


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ([1, 2], "must be a JSON object"),
        ({"models": ["o3"]}, "models: must be an object"),
        ({"models": {"o3": {"latency": {"fixed_ms": -1}}}}, "models.o3"),
        ({"recent_bodies": "many"}, "recent_bodies"),
    ],
)
def test_bad_patch_is_400_and_changes_nothing(fake_openai: FakeServer, body: Any, named: str) -> None:
    before = fake_openai.control.behaviour()
    response = control(fake_openai, "PATCH", "behaviour", json=body)
    assert response.status_code == 400
    assert named in response.json()["error"]
    assert fake_openai.control.behaviour() == before


@pytest.mark.parametrize(
    ("method", "path"), [("PUT", "behaviour"), ("PATCH", "behaviour"), ("PUT", "behaviour/models/o3")]
)
def test_empty_body_where_one_is_required_is_400(fake_openai: FakeServer, method: str, path: str) -> None:
    response = control(fake_openai, method, path, content=b"  \n")
    assert response.status_code == 400
    assert response.json() == {"error": "a JSON body is required"}


def test_reset_without_a_body_keeps_behaviour_and_seed() -> None:
    with FakeServer("openai", seed=4) as fake:
        fake.control.set_model("o3", {"faults": [{"kind": "error", "status": 500}]})
        assert chat_status(fake, "o3") == 500
        response = control(fake, "POST", "reset")
        assert response.json() == {"status": "ok", "provider": "openai", "seed": 4, "in_flight": 0}
        assert fake.control.stats().requests == 0
        assert chat_status(fake, "o3") == 500


def test_reset_rejects_unknown_fields(fake_openai: FakeServer) -> None:
    response = control(fake_openai, "POST", "reset", json={"behavior": True})
    assert response.status_code == 400 and "behavior" in response.json()["error"]


def test_model_route_reads_back_only_the_fields_set(fake_openai: FakeServer) -> None:
    put = control(fake_openai, "PUT", "behaviour/models/o3/", json={"latency": {"fixed_ms": 7}})
    assert put.status_code == 200
    assert put.json()["model"] == "o3"
    assert put.json()["behaviour"]["latency"]["fixed_ms"] == 7  # the effective behaviour, default merged
    assert "faults" in put.json()["behaviour"]
    got = control(fake_openai, "GET", "behaviour/models/o3")
    assert got.json() == {"latency": {"fixed_ms": 7}}


def test_model_names_in_the_path_are_url_decoded(fake_openai: FakeServer) -> None:
    control(fake_openai, "PUT", "behaviour/models/org%2Fmodel%20v1", json={"reply_padding_words": 2})
    assert set(fake_openai.control.behaviour().models) == {"org/model v1"}


def test_delete_model_override_is_idempotent(fake_openai: FakeServer) -> None:
    fake_openai.control.set_model("o3", {"faults": [{"kind": "error", "status": 500}]})
    first = control(fake_openai, "DELETE", "behaviour/models/o3")
    again = control(fake_openai, "DELETE", "behaviour/models/o3")
    assert (first.status_code, again.status_code) == (200, 200)
    assert fake_openai.control.behaviour().models == {}
    assert chat_status(fake_openai, "o3") == 200


def test_model_route_rejects_other_methods_with_405(fake_openai: FakeServer) -> None:
    response = control(fake_openai, "POST", "behaviour/models/o3", json={})
    assert response.status_code == 405
    assert "GET, PUT or DELETE" in response.json()["error"]
    assert fake_openai.control.behaviour().models == {}


@pytest.mark.parametrize("query", ["bodies=abc", "bodies=100001", "bodies="])
def test_stats_bodies_must_be_a_bounded_whole_number(fake_openai: FakeServer, query: str) -> None:
    response = control(fake_openai, "GET", f"stats?{query}")
    assert response.status_code == 400 and "bodies" in response.json()["error"]


def test_control_calls_are_not_counted(fake_openai: FakeServer) -> None:
    control(fake_openai, "GET", "health")
    control(fake_openai, "GET", "nope")
    control(fake_openai, "PUT", "behaviour", json={})
    stats = control(fake_openai, "GET", "stats?bodies=0").json()
    assert (stats["requests"], stats["by_status"], stats["recent"]) == (0, {}, [])
    assert control(fake_openai, "GET", "").status_code == 404  # the bare prefix is the control API too
