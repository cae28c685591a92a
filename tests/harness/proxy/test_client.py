"""harness.toxiproxy_client: the typed async and sync clients, and choosing the server."""

from __future__ import annotations

import pytest

from harness.errors import ToxiproxyBadRequest, ToxiproxyConflict, ToxiproxyNotFound, ToxiproxyUnavailable
from harness.proxy import EmbeddedToxiproxy
from harness.proxy.testing import EchoServer, connect, read_until_closed, round_trip
from harness.toxiproxy_client import SyncToxiproxyClient, ToxiproxyClient, open_toxiproxy, resolve_url


async def test_async_client_against_an_embedded_proxy_on_the_same_loop() -> None:
    async with EmbeddedToxiproxy() as embedded, ToxiproxyClient(embedded.url) as client:
        assert await client.version()
        proxy = await client.create_proxy("a", "127.0.0.1:9")
        assert proxy.enabled and proxy.listen_address[1] > 0
        toxic = await client.add_toxic("a", "latency", {"latency": 20}, stream="upstream")
        assert (toxic.name, toxic.attributes) == ("latency_upstream", {"latency": 20, "jitter": 0})
        updated = await client.update_toxic("a", toxic.name, attributes={"jitter": 3}, toxicity=0.25)
        assert (updated.attributes["jitter"], updated.toxicity) == (3, 0.25)
        assert [t.name for t in await client.toxics("a")] == ["latency_upstream"]
        assert (await client.disable("a")).enabled is False
        await client.reset()
        assert (await client.proxy("a")).enabled is True and (await client.proxy("a")).toxics == ()
        await client.delete_proxy("a")
        assert await client.proxies() == {}


async def test_async_client_raises_the_harness_error_leaves() -> None:
    async with EmbeddedToxiproxy() as embedded, ToxiproxyClient(embedded.url) as client:
        await client.create_proxy("e", "127.0.0.1:9")
        with pytest.raises(ToxiproxyConflict, match="proxy already exists"):
            await client.create_proxy("e", "127.0.0.1:9")
        with pytest.raises(ToxiproxyNotFound, match="toxic not found"):
            await client.remove_toxic("e", "nope")
        with pytest.raises(ToxiproxyBadRequest, match="invalid toxic type") as caught:
            await client.add_toxic("e", "volcano")
        assert caught.value.status == 400


def test_sync_client_drives_toxics_on_live_traffic(toxiproxy_url: str, echo_server: EchoServer) -> None:
    with SyncToxiproxyClient(toxiproxy_url) as client:
        proxy = client.create_proxy("s", echo_server.address)
        populated = client.populate(
            [{"name": "s2", "upstream": echo_server.address, "listen": "127.0.0.1:0"}]
        )
        assert [p.name for p in populated] == ["s2"]
        client.add_toxic("s", "limit_data", {"bytes": 3}, name="cap")
        with connect(proxy.listen_address) as sock:
            sock.sendall(b"abcdef")
            assert read_until_closed(sock) == (b"abc", "eof")
        client.remove_toxic("s", "cap")
        with connect(proxy.listen_address) as sock:
            round_trip(sock)


def test_unreachable_url_raises_unavailable() -> None:
    with SyncToxiproxyClient("http://127.0.0.1:1", timeout=2) as client, pytest.raises(ToxiproxyUnavailable):
        client.version()


def test_url_resolution_prefers_explicit_then_env_then_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOXIPROXY_URL", raising=False)
    assert resolve_url() == "http://127.0.0.1:8474"
    monkeypatch.setenv("TOXIPROXY_URL", "http://10.0.0.1:9999/")
    assert resolve_url() == "http://10.0.0.1:9999"
    assert resolve_url("http://x:1") == "http://x:1"


async def test_open_toxiproxy_starts_an_embedded_one_without_env(
    monkeypatch: pytest.MonkeyPatch, embedded_only: None
) -> None:
    monkeypatch.delenv("TOXIPROXY_URL", raising=False)
    async with open_toxiproxy() as client:
        assert client.url != "http://127.0.0.1:8474"
        await client.create_proxy("tmp", "127.0.0.1:9")
    with pytest.raises(ToxiproxyUnavailable):
        async with ToxiproxyClient(client.url, timeout=2) as again:
            await again.version()


async def test_open_toxiproxy_uses_the_server_at_toxiproxy_url(monkeypatch: pytest.MonkeyPatch) -> None:
    async with EmbeddedToxiproxy() as real:
        monkeypatch.setenv("TOXIPROXY_URL", real.url)
        async with open_toxiproxy() as client:
            assert client.url == real.url
            await client.create_proxy("via-env", "127.0.0.1:9")
        assert "via-env" in real.collection.proxies()
