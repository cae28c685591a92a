"""The dashboard of a real `zen-server --transport http`, in Debian's headless Chromium.

Real parts only: the server runs as a subprocess against a real fake provider (FakeServer,
OpenAI wire format, reached through CUSTOM_API_URL), MCP traffic goes through the SDK's
streamable HTTP client, and the page is loaded by Playwright in /usr/bin/chromium. While
traffic runs the page must show non-zero figures; then the fake answers every call with a
500, the server's breaker opens (short settings keep it open while we look), and the page
must show it open with the error-rate breach flagged. Two screenshots are kept:
artifacts/dashboard-e2e-before.png and artifacts/dashboard-e2e-outage.png.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from fakes.testing import FakeServer
from tests.zen_server.observability.test_dashboard_browser import CHROMIUM, CHROMIUM_ARGS, require_chromium

if TYPE_CHECKING:
    from playwright.async_api import Page

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
BEFORE_PNG = ARTIFACTS / "dashboard-e2e-before.png"
OUTAGE_PNG = ARTIFACTS / "dashboard-e2e-outage.png"
MODEL = "llama3.2"  # CUSTOM_MODEL_NAME in the e2e server_env
BREAKER = "custom"  # the custom provider's own breaker ("custom/llama3.2" is the model's)
WORKERS = 4
MAX_CALLS = 400  # traffic is bounded in count ...
TRAFFIC_DEADLINE_S = 30.0  # ... and in time, whatever happens to the test
CALL_TIMEOUT_S = 10.0
WAIT_MS = 10_000  # any single wait on the page or /metrics
# The server's uptime in whole seconds, from the page's "updated ... · up N s" line.
UPTIME_JS = "Number((/up (\\d+) s/.exec(document.getElementById('updated').textContent) || [0, 0])[1])"
BREAKER_ENV = {
    # One attempt per call, and an outage opens the breaker after a few failures in a row;
    # it then stays open for 30 s, far longer than the page needs to show it.
    "ZEN_RETRY_MAX_ATTEMPTS": "1",
    "ZEN_BREAKER_CONSECUTIVE_FAILURES": "5",
    "ZEN_BREAKER_OPEN_S": "30",
    "ZEN_BREAKER_MAX_OPEN_S": "60",
    "ZEN_TOOL_DEADLINE_S": "10",
}


@dataclass
class Traffic:
    """Chat calls from a few concurrent workers on one MCP client, until told to stop."""

    client: Client
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    sent: int = 0
    ok: int = 0
    failed: int = 0
    exceptions: list[BaseException] = field(default_factory=list)

    async def worker(self, n: int, deadline: float) -> None:
        while not self.stop.is_set() and self.sent < MAX_CALLS and time.monotonic() < deadline:
            self.sent += 1
            arguments = {
                "prompt": f"worker {n} call {self.sent}",
                "model": MODEL,
                "working_directory_absolute_path": "/tmp",
            }
            try:
                result = await asyncio.wait_for(self.client.call_tool("chat", arguments), CALL_TIMEOUT_S)
            except Exception as error:  # reported by the test, not swallowed
                self.exceptions.append(error)
                return
            if result.is_error:
                self.failed += 1
            else:
                self.ok += 1
            # Once the breaker is open, calls fail at once: pace them rather than spin.
            await asyncio.sleep(0.05)

    async def run(self) -> None:
        deadline = time.monotonic() + TRAFFIC_DEADLINE_S
        await asyncio.gather(*(self.worker(n, deadline) for n in range(WORKERS)))


async def breaker_state(base: str, key: str) -> float | None:
    """The zen_breaker_state gauge for ``key`` on /metrics (0 closed, 1 half-open, 2 open)."""
    async with httpx.AsyncClient(timeout=5) as http:
        text = (await http.get(f"{base}/metrics")).text
    match = re.search(rf'^zen_breaker_state\{{key="{re.escape(key)}"\}} (\S+)$', text, re.MULTILINE)
    return float(match.group(1)) if match else None


async def wait_for_breaker_open(base: str, key: str) -> None:
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:
        if await breaker_state(base, key) == 2.0:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(
        f"breaker {key} did not open within {WAIT_MS} ms (state {await breaker_state(base, key)})"
    )


async def wait_for_polls(page: Page, seconds: int) -> None:
    """Wait until the page has shown ``seconds`` more of the server's uptime (one poll a second)."""
    uptime = await page.evaluate(f"() => {UPTIME_JS}")
    await page.wait_for_function(f"() => {UPTIME_JS} >= {uptime + seconds}")


@pytest.mark.timeout(90)
async def test_dashboard_of_a_real_server_shows_traffic_and_the_breaker_opening_in_an_outage(
    fake: FakeServer,
    server_env: dict[str, str],
    unused_port: int,
    tmp_path: Path,
    http_server: Callable[..., AbstractContextManager[Any]],
) -> None:
    require_chromium()
    from playwright.async_api import async_playwright

    # A fixed 250 ms per completion keeps a few calls in flight at any moment.
    fake.control.set_default({"latency": {"fixed_ms": 250}})
    elsewhere: list[str] = []
    with http_server({**server_env, **BREAKER_ENV}, unused_port, tmp_path / "zen-server.log") as server:
        async with (
            httpx2.AsyncClient(timeout=httpx2.Timeout(30, read=60)) as http,
            Client(streamable_http_client(server.url, http_client=http), read_timeout_seconds=30) as client,
            async_playwright() as pw,
        ):
            traffic = Traffic(client)
            running = asyncio.create_task(traffic.run())
            browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = await browser.new_page(viewport={"width": 1360, "height": 1000})
                page.set_default_timeout(WAIT_MS)
                page.on(
                    "request", lambda r: None if r.url.startswith(server.base) else elsewhere.append(r.url)
                )
                await page.goto(f"{server.base}/dashboard")

                # Traffic is flowing: calls counted, some in flight, a latency in ms.
                await page.wait_for_function(
                    """() => Number(document.getElementById('calls').textContent) >= 8
                        && Number(document.getElementById('in-flight').textContent) > 0
                        && document.getElementById('p95').textContent.endsWith(' ms')"""
                )
                assert float(await page.text_content("#calls-per-s") or "0") > 0
                assert (await page.text_content("#rss") or "").endswith("MiB")
                assert await page.text_content("#error-rate") == "0.0 %"
                assert await page.text_content("#readiness") == "ready"
                await page.wait_for_selector(f'tr[data-breaker="{BREAKER}"] .pill.closed')
                await page.wait_for_selector("#breaches.ok")
                chat_row = await page.text_content("#tools") or ""
                assert chat_row.startswith("chat"), chat_row
                await wait_for_polls(page, 2)  # so the chart has a line to show
                ARTIFACTS.mkdir(exist_ok=True)
                await page.screenshot(path=str(BEFORE_PNG), full_page=True)
                assert traffic.ok > 0 and traffic.failed == 0, traffic

                # The outage: every completion is a 500 from now on.
                await asyncio.to_thread(
                    fake.control.set_default, {"faults": [{"kind": "error", "status": 500, "rate": 1.0}]}
                )
                await wait_for_breaker_open(server.base, BREAKER)
                await page.wait_for_selector(f'tr[data-breaker="{BREAKER}"] .pill.open')
                await page.wait_for_selector("#breaches.bad")
                await page.wait_for_selector("#tile-error-rate.breach")
                assert "error rate" in (await page.text_content("#breaches") or "")
                events = await page.text_content("#events") or ""
                assert f"breaker {BREAKER}: closed -> open" in events, events
                readiness = await page.text_content("#readiness") or ""
                assert readiness.startswith("degraded") and BREAKER in readiness, readiness
                await wait_for_polls(page, 2)  # so the chart shows the error rate's rise
                await page.screenshot(path=str(OUTAGE_PNG), full_page=True)
            finally:
                await browser.close()
                traffic.stop.set()
                await asyncio.wait_for(running, CALL_TIMEOUT_S + 5)

    assert traffic.exceptions == [], traffic.exceptions
    assert traffic.failed > 0, traffic  # calls failed in the outage: 500s, then refused by the breaker
    stats = fake.control.stats()
    assert stats.by_status.get("200", 0) > 0 and stats.by_status.get("500", 0) > 0, stats.by_status
    assert elsewhere == []  # offline machines: nothing but the server's own origin was asked for
    for png in (BEFORE_PNG, OUTAGE_PNG):
        assert png.stat().st_size > 10_000, png
