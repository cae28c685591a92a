"""Every client method, blocking and async, against the embedded API; odd error bodies read sanely."""

from __future__ import annotations

import httpx
import pytest

from harness.errors import ToxiproxyAPIError, ToxiproxyBadRequest, ToxiproxyNotFound
from harness.proxy import EmbeddedToxiproxy
from harness.toxiproxy_client import SyncToxiproxyClient, ToxiproxyClient


def test_sync_client_drives_the_whole_api(toxiproxy_url: str) -> None:
    with SyncToxiproxyClient(toxiproxy_url) as client:
        client.create_proxy("a", "127.0.0.1:1")
        assert client.proxy("a").enabled is True
        assert client.disable("a").enabled is False
        assert client.enable("a").enabled is True
        moved = client.update_proxy("a", upstream="127.0.0.1:2")
        assert moved.upstream == "127.0.0.1:2"
        client.add_toxic("a", "latency", {"latency": 10}, name="lag")
        updated = client.update_toxic("a", "lag", attributes={"latency": 20}, toxicity=0.5)
        assert (updated.attributes["latency"], updated.toxicity) == (20, 0.5)
        assert [t.name for t in client.toxics("a")] == ["lag"]
        client.disable("a")
        client.reset()  # enables every proxy, removes every toxic
        after = client.proxy("a")
        assert after.enabled is True and after.toxics == ()
        made = client.populate([{"name": "b", "upstream": "127.0.0.1:3"}])
        assert [p.name for p in made] == ["b"]
        assert sorted(client.proxies()) == ["a", "b"]
        client.delete_proxy("a")
        with pytest.raises(ToxiproxyNotFound):
            client.proxy("a")


async def test_async_client_enables_populates_and_lists_toxics() -> None:
    async with EmbeddedToxiproxy() as embedded, ToxiproxyClient(embedded.url) as client:
        made = await client.populate([{"name": "p", "upstream": "127.0.0.1:1", "enabled": False}])
        assert [(p.name, p.enabled) for p in made] == [("p", False)]
        assert (await client.enable("p")).enabled is True
        await client.add_toxic("p", "timeout", {"timeout": 5}, stream="upstream")
        toxics = await client.toxics("p")
        assert [(t.type, t.stream, t.attributes) for t in toxics] == [("timeout", "upstream", {"timeout": 5})]
        with pytest.raises(ToxiproxyBadRequest, match="missing required field: upstream at proxy 1"):
            await client.populate([{"name": "q"}])


def canned(status: int, body: bytes, content_type: str = "text/plain") -> SyncToxiproxyClient:
    client = SyncToxiproxyClient("http://toxiproxy.test")
    client._http = httpx.Client(
        base_url=client.url,
        transport=httpx.MockTransport(
            lambda _: httpx.Response(status, content=body, headers={"content-type": content_type})
        ),
    )
    return client


def test_an_error_without_a_json_body_carries_the_text_or_the_reason() -> None:
    with pytest.raises(ToxiproxyAPIError) as caught:
        canned(502, b"upstream gateway broke\n").proxies()
    assert (caught.value.status, caught.value.message) == (502, "upstream gateway broke")
    with pytest.raises(ToxiproxyNotFound) as missing:
        canned(404, b"").proxy("x")
    assert missing.value.message == "Not Found"
    with pytest.raises(ToxiproxyBadRequest) as other:
        canned(400, b'{"status": 400}', "application/json").reset()
    assert other.value.message == '{"status": 400}'


def test_an_old_server_answering_the_bare_version_text_is_understood() -> None:
    assert canned(200, b"2.1.4\n").version() == "2.1.4"
    assert canned(200, b'{"version": "2.12.0"}', "application/json").version() == "2.12.0"
