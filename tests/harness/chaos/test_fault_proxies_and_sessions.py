"""Fault proxies over the Toxiproxy API (embedded or a shared server), and session slots
that fail fast while down and reconnect after their server dies."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import anyio
import pytest

from harness.chaos.environment.proxies import FaultProxies
from harness.chaos.errors import ActionError, EnvironmentStartError
from harness.chaos.sessions import SessionPool, SessionSlot
from harness.mcp_client import McpClient, StdioEndpoint, _classify
from harness.proxy import EmbeddedToxiproxy

FRAGILE = str(Path(__file__).with_name("fragile_server.py"))


async def test_unknown_proxies_and_refused_toxics_are_action_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOXIPROXY_URL", raising=False)
    proxies = FaultProxies("t")
    try:
        listen = await proxies.start({"openai": "127.0.0.1:9"})
        assert listen["openai"].startswith("127.0.0.1:")
        with pytest.raises(ActionError, match="no proxy named 'gemini'; proxies: openai"):
            await proxies.set_enabled("gemini", False)
        with pytest.raises(ActionError, match="refused POST"):
            await proxies.add_toxic("openai", name="x", type="no-such-toxic", stream="downstream",
                                    toxicity=1.0, attributes={})  # fmt: skip
        await proxies.set_enabled("openai", False)
        await proxies.set_enabled("openai", True)
    finally:
        await proxies.stop()


async def test_a_shared_toxiproxy_is_left_as_found_and_an_unreachable_one_fails_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shared = EmbeddedToxiproxy()
    url = await anyio.to_thread.run_sync(shared.start_in_thread)
    try:
        monkeypatch.setenv("TOXIPROXY_URL", url + "/")
        proxies = FaultProxies("shared")
        await proxies.start({"openai": "127.0.0.1:9"})
        names = json.loads((await proxies._http.get(f"{url}/proxies")).text)
        assert "shared-openai" in names
        await proxies.stop()
        import httpx

        async with httpx.AsyncClient() as client:
            assert "shared-openai" not in (await client.get(f"{url}/proxies")).json()
    finally:
        await anyio.to_thread.run_sync(shared.stop_thread)
    monkeypatch.setenv("TOXIPROXY_URL", url)  # now nobody listens there
    proxies = FaultProxies("gone")
    try:
        with pytest.raises(EnvironmentStartError, match="toxiproxy API POST /proxies failed"):
            await proxies.start({"openai": "127.0.0.1:9"})
    finally:
        await proxies._http.aclose()


async def test_a_slot_fails_fast_while_down_and_records_why() -> None:
    slot = SessionSlot(lambda: StdioEndpoint(sys.executable, ("-c", "raise SystemExit(2)")), init_timeout_s=2)
    down = await slot.call("echo", {}, timeout_s=5)
    assert down.kind == "transport_error" and down.error == "not connected"
    assert slot.pid is None and not slot.connected
    async with anyio.create_task_group() as group:
        group.start_soon(slot.run)
        assert not await slot.wait_connected(1.0)
        slot.stop()
    assert slot.connects == 0 and slot.last_error is not None
    assert (await slot.call("echo", {}, timeout_s=5)).error == slot.last_error


@pytest.mark.slow
async def test_a_slot_reconnects_after_its_server_is_killed(tmp_path: Path) -> None:
    pool = SessionPool(lambda: StdioEndpoint(sys.executable, (FRAGILE,), stderr_path=str(tmp_path / "e")), 1,
                       init_timeout_s=30)  # fmt: skip
    slot = pool.slot_for(7)
    async with anyio.create_task_group() as group:
        pool.start(group)
        try:
            assert await pool.wait_connected(30)
            [first] = pool.pids()
            os.kill(first, 9)
            broken = await slot.call("echo", {"text": "x"}, timeout_s=5)
            assert broken.kind == "transport_error"
            with anyio.fail_after(30):
                for _ in range(600):  # polls a process's state; fail_after bounds it
                    if not (slot.connects < 2 or not slot.connected):
                        break
                    await anyio.sleep(0.05)
            assert pool.pids() != [first]
            again = await slot.call("echo", {"text": "back"}, timeout_s=5)
            assert again.ok and again.text == "back" and again.json() is None
        finally:
            pool.stop()


def test_json_text_with_error_status_is_a_tool_error_and_broken_json_is_ok() -> None:
    import mcp_types

    def result(text: str, is_error: bool = False) -> mcp_types.CallToolResult:
        return mcp_types.CallToolResult(
            content=[mcp_types.TextContent(type="text", text=text)], is_error=is_error
        )

    assert _classify(result('{"status": "ERROR"}'), '{"status": "ERROR"}') == "tool_error"
    assert _classify(result("{not json"), "{not json") == "ok"
    assert _classify(result("[1]"), "[1]") == "ok"
    assert _classify(result("x", is_error=True), "x") == "tool_error"


async def test_an_http_endpoint_is_reached_and_a_json_rpc_error_is_a_protocol_error(tmp_path: Path) -> None:
    from harness.chaos.environment.target import TargetServer
    from harness.chaos.scenario import TargetSpec

    spec = TargetSpec(kind="command", transport="http", command=["{python}", FRAGILE, "--http", "{port}"])
    target = TargetServer(spec, {}, {}, tmp_path / "log")
    await target.start()
    try:
        async with McpClient.connect(target.endpoint(), init_timeout_s=30) as client:
            assert client.pid is None
            ok = await client.call("echo", {"text": "over http"}, timeout_s=10)
            assert ok.ok and ok.text == "over http"
            bad = await client.call("echo", {"text": {"not": "a string"}}, timeout_s=10)
            assert bad.kind in {"tool_error", "protocol_error"} and bad.error
    finally:
        await target.stop()
