"""The /_fake control API: behaviour read/replace/patch per model, stats, reset, and 400s that say why."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from fakes import ControlError
from fakes.testing import FakeServer

CHAT = {"model": "gpt-5", "messages": [{"role": "user", "content": "hi"}]}


def post_chat(fake: FakeServer, model: str = "gpt-5") -> httpx.Response:
    return httpx.post(f"{fake.openai_base_url}/chat/completions", json={**CHAT, "model": model}, timeout=5)


def test_per_model_override_changes_only_that_model(fake_openai: FakeServer) -> None:
    fake_openai.control.set_model("o3", {"faults": [{"kind": "error", "status": 503}]})
    assert post_chat(fake_openai, "o3").status_code == 503
    assert post_chat(fake_openai, "gpt-5").status_code == 200
    fake_openai.control.clear_model("o3")
    assert post_chat(fake_openai, "o3").status_code == 200


def test_patch_default_keeps_the_fields_not_named(fake_openai: FakeServer) -> None:
    fake_openai.control.set_default({"latency": {"fixed_ms": 5}})
    fake_openai.control.set_default({"reply_text": "custom {marker}"})
    behaviour = fake_openai.control.behaviour()
    assert behaviour.default.latency.fixed_ms == 5
    assert post_chat(fake_openai).json()["choices"][0]["message"]["content"].startswith("custom FAKE-REPLY")


def test_put_replaces_the_whole_behaviour(fake_openai: FakeServer) -> None:
    fake_openai.control.set_model("o3", {"latency": {"fixed_ms": 1}})
    fake_openai.control.set_behaviour({"default": {"reply_padding_words": 3}})
    behaviour = fake_openai.control.behaviour()
    assert behaviour.models == {} and behaviour.default.reply_padding_words == 3


@pytest.mark.parametrize(
    ("method", "path", "body", "named"),
    [
        ("PUT", "behaviour", {"default": {"latency": {"p50_ms": 10}}}, "p99_ms"),
        ("PUT", "behaviour", {"default": {"faults": [{"kind": "teleport"}]}}, "kind"),
        ("PATCH", "behaviour", {"default": {"faults": [{"kind": "error", "status": 200}]}}, "status"),
        (
            "PATCH",
            "behaviour",
            {"default": {"faults": [{"kind": "hang", "rate": 0.7}, {"kind": "drop", "rate": 0.7}]}},
            "add up",
        ),
        ("PUT", "behaviour/models/x", {"stream": {"chunks": 0}}, "chunks"),
        ("PUT", "behaviour", "not json at all", "JSON"),
        ("POST", "reset", {"seed": "abc"}, "seed"),
        ("GET", "stats?bodies=-1", None, "bodies"),
    ],
)
def test_bad_input_gets_400_naming_the_problem(
    fake_openai: FakeServer, method: str, path: str, body: Any, named: str
) -> None:
    content = body.encode() if isinstance(body, str) else None
    response = httpx.request(
        method,
        f"{fake_openai.base_url}/_fake/{path}",
        json=None if content else body,
        content=content,
        timeout=5,
    )
    assert response.status_code == 400
    assert named in response.json()["error"]
    assert post_chat(fake_openai).status_code == 200  # the fake is still fine


def test_unknown_control_path_and_method(fake_openai: FakeServer) -> None:
    assert httpx.get(f"{fake_openai.base_url}/_fake/nope", timeout=5).status_code == 404
    assert httpx.delete(f"{fake_openai.base_url}/_fake/behaviour", timeout=5).status_code == 405
    assert httpx.get(f"{fake_openai.base_url}/_fake/behaviour/models/none", timeout=5).status_code == 404
    with pytest.raises(ControlError) as caught:
        fake_openai.control.set_model("x", {"faults": "bad"})
    assert caught.value.status == 400 and "faults" in caught.value.detail


def test_bad_provider_requests_get_the_providers_error_shape(fake_openai: FakeServer) -> None:
    url = f"{fake_openai.openai_base_url}/chat/completions"
    broken = httpx.post(url, content=b"{nope", headers={"content-type": "application/json"}, timeout=5)
    no_messages = httpx.post(url, json={"model": "gpt-5"}, timeout=5)
    unknown = httpx.get(f"{fake_openai.base_url}/v2/else", timeout=5)
    assert (broken.status_code, no_messages.status_code, unknown.status_code) == (400, 400, 404)
    assert "messages" in no_messages.json()["error"]["message"]
    assert fake_openai.control.stats().by_status == {"400": 2, "404": 1}


def test_stats_keep_a_bounded_window_of_bodies(fake_openai: FakeServer) -> None:
    fake_openai.control.patch_behaviour({"recent_bodies": 3})
    fake_openai.control.reset()
    for index in range(5):
        httpx.post(
            f"{fake_openai.openai_base_url}/chat/completions",
            json={"model": "gpt-5", "messages": [{"role": "user", "content": f"n{index}"}]},
            timeout=5,
        )
    stats = fake_openai.control.stats()
    assert stats.requests == 5
    assert [r["body"]["messages"][0]["content"] for r in stats.recent] == ["n2", "n3", "n4"]
    assert len(fake_openai.control.stats(bodies=1).recent) == 1


def test_reset_zeroes_stats_and_optionally_restores_behaviour() -> None:
    start = {"default": {"latency": {"fixed_ms": 1}}}
    with FakeServer("openai", behaviour=start) as fake:
        fake.control.set_default({"faults": [{"kind": "error"}]})
        assert post_chat(fake).status_code == 500
        fake.control.reset()
        assert fake.control.stats().requests == 0
        assert post_chat(fake).status_code == 500
        fake.control.reset(behaviour=True, seed=9)
        assert post_chat(fake).status_code == 200
        assert fake.control.health() == {"status": "ok", "provider": "openai", "seed": 9, "in_flight": 0}
