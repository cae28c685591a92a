"""The dashboard in a real headless Chromium while traffic runs, through an injected outage.

The ops routes run in-process (uvicorn on 127.0.0.1 in a thread) fed by a hub that receives
the events a server under traffic reports; the outage makes one provider fail and its
breaker open. The page must show non-zero figures, the breaker turning open and the breach
flags, load nothing from elsewhere, and leave artifacts/dashboard.png behind.
"""

from __future__ import annotations

import asyncio
import random
import shutil
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import unavailable
from zen_server.config import Settings
from zen_server.observability.events import (
    BreakerTransition,
    FallbackTaken,
    ProviderAttempt,
    ToolCallFinished,
    ToolCallStarted,
    ToolOutcome,
)
from zen_server.observability.hub import ObservabilityHub
from zen_server.observability.ops import ops_routes, run_ops_listener
from zen_server.observability.readiness import ReadinessReport, assess_readiness

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACT = Path(__file__).resolve().parents[3] / "artifacts" / "dashboard.png"
TOOLS = ("chat", "thinkdeep", "codereview", "consensus")


@dataclass
class Traffic:
    """A server's worth of events, on the server thread's loop; ``outage`` breaks openai."""

    hub: ObservabilityHub
    outage: threading.Event = field(default_factory=threading.Event)
    breakers: dict[str, str] = field(default_factory=lambda: {"openai": "closed", "gemini": "closed"})
    url: str = ""
    ready: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)

    async def readiness(self) -> ReadinessReport:
        return assess_readiness(breaker_states=self.breakers, configured_providers=["openai", "gemini"])

    async def run(self) -> None:
        rng = random.Random(6)
        i = 0
        for key in self.breakers:  # the gateway reports each breaker's state when it builds it
            self.hub.set_gauge("breaker_state", 0.0, key=key)
        while not self.stop.is_set():
            i += 1
            broken = self.outage.is_set()
            if broken and self.breakers["openai"] == "closed":
                self.breakers["openai"] = "open"
                self.hub.emit(
                    BreakerTransition("openai", "closed", "open", "failure rate 0.90 over 10 calls")
                )
            provider = "gemini" if broken and i % 2 else "openai"
            outcome: ToolOutcome = "success"
            duration = rng.uniform(0.15, 1.4)
            if broken and provider == "openai":
                self.hub.emit(ProviderAttempt("openai", "gpt-5", "503", 0.05))
                self.hub.emit(FallbackTaken("openai", "gemini", "gemini-2.5-pro", "breaker open"))
                outcome = "error" if rng.random() < 0.5 else "success"
                duration = rng.uniform(2.2, 4.0)
            else:
                self.hub.emit(
                    ProviderAttempt(
                        provider, "gpt-5" if provider == "openai" else "gemini-2.5-pro", "ok", duration
                    )
                )
            self.hub.set_gauge("in_flight", float(rng.randint(3, 9)))
            self.hub.set_gauge("queued", float(rng.randint(0, 4) if broken else 0))
            self.hub.set_gauge("store_threads", float(40 + i // 5))
            self.hub.set_gauge("store_bytes", float(300_000 + i * 1800))
            self.hub.emit(
                ToolCallFinished(f"r{i}", "s1", TOOLS[i % len(TOOLS)], outcome, duration, provider=provider)
            )
            await asyncio.sleep(0.02)

    async def serve(self) -> None:
        await self.hub.start()
        listener = await run_ops_listener(ops_routes(self.hub, self.readiness), 0)
        self.url = listener.url
        self.ready.set()
        try:
            await self.run()
        finally:
            await listener.aclose()
            await self.hub.aclose()


@pytest.fixture
def traffic() -> Iterator[Traffic]:
    hub = ObservabilityHub(Settings(), log_events=False)
    state = Traffic(hub)
    with served_in_thread(state.serve(), state.stop):
        assert state.ready.wait(10), "ops listener did not start"
        yield state


def require_chromium() -> None:
    if CHROMIUM.exists() and shutil.which(str(CHROMIUM)):
        return
    unavailable(f"{CHROMIUM} is missing: apt-get install chromium")


@contextmanager
def served_in_thread(serve: Coroutine[Any, Any, None], stop: threading.Event) -> Iterator[None]:
    """``serve`` on its own event loop in a daemon thread, told to ``stop`` on exit."""
    thread = threading.Thread(target=asyncio.run, args=(serve,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(10)


@contextmanager
def browser_page() -> Iterator[Page]:
    """A blank page in headless Chromium, 1360x1000; the browser closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": 1360, "height": 1000})
        finally:
            browser.close()


def test_dashboard_shows_live_traffic_and_a_breaker_opening_in_an_outage(traffic: Traffic) -> None:
    require_chromium()
    elsewhere: list[str] = []
    with browser_page() as page:
        page.on("request", lambda r: None if r.url.startswith(traffic.url) else elsewhere.append(r.url))
        page.goto(f"{traffic.url}/dashboard")

        # Traffic is flowing: the tiles show non-zero figures and both breakers closed.
        page.wait_for_function("() => Number(document.getElementById('calls').textContent) >= 20")
        assert int(page.text_content("#in-flight") or "0") > 0
        assert float(page.text_content("#calls-per-s") or "0") > 0
        assert (page.text_content("#p95") or "").endswith("s")  # "512 ms", not the empty dash
        assert (page.text_content("#rss") or "").endswith("MiB")
        page.wait_for_selector('tr[data-breaker="openai"] .pill.closed')
        assert page.text_content("#readiness") == "ready"

        traffic.outage.set()
        page.wait_for_selector('tr[data-breaker="openai"] .pill.open', timeout=15_000)
        page.wait_for_selector("#breaches.bad", timeout=15_000)
        page.wait_for_selector("#tile-error-rate.breach", timeout=15_000)
        banner = page.text_content("#breaches") or ""
        assert "error rate" in banner
        assert "breaker openai: closed -> open" in (page.text_content("#events") or "")
        assert (page.text_content('tr[data-breaker="gemini"] .pill') or "") == "closed"
        page.wait_for_timeout(2500)  # a few more polls so the chart shows the outage's rise

        ARTIFACT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACT), full_page=True)
    assert elsewhere == []  # offline machines: nothing but this origin was asked for
    assert ARTIFACT.stat().st_size > 10_000


@dataclass
class QuietThenHung:
    """A server whose incident (failing calls) came and went before the page was opened,
    then calls that start and never finish: a hang, with nothing breached."""

    hub: ObservabilityHub
    url: str = ""
    ready: threading.Event = field(default_factory=threading.Event)
    hang: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)

    async def serve(self) -> None:
        for i in range(40):  # the incident: every call failing, slowly
            self.hub.emit(ToolCallFinished(f"bad{i}", None, "chat", "error", 3.0))
        await self.hub.start()
        listener = await run_ops_listener(ops_routes(self.hub), 0)
        self.url = listener.url
        for _ in range(600):  # the server's chart keeps it, a point a second: wait for three
            if len(self.hub.history) >= 3:
                break
            await asyncio.sleep(0.1)
        self.ready.set()
        try:
            while not self.stop.is_set():
                if self.hang.is_set():
                    for i in range(3):
                        self.hub.emit(ToolCallStarted(f"hung{i}", None, "chat"))
                    self.hang.clear()
                await asyncio.sleep(0.05)
        finally:
            await listener.aclose()
            await self.hub.aclose()


def test_history_from_before_the_page_opened_and_an_amber_banner_on_a_hang() -> None:
    require_chromium()
    state = QuietThenHung(ObservabilityHub(Settings(), log_events=False))
    with served_in_thread(state.serve(), state.stop):
        assert state.ready.wait(30), "ops listener did not start"
        before_page = state.hub.history.since()
        with browser_page() as page:
            page.goto(f"{state.url}/dashboard")
            page.wait_for_function("() => chartPoints.length >= 3")
            # The incident's points were on the server before the page existed.
            first = page.evaluate("() => chartPoints[0]")
            assert first["t"] == before_page[0]["t"] and first["error_rate"] == 1.0
            page.wait_for_selector("#breaches.bad")  # the incident is still in the window
            state.hang.set()
            # Failing calls age out of the 60 s window only slowly; the hang shows at once
            # beside them, and the banner names it.
            page.wait_for_function(
                "() => document.getElementById('breaches').textContent.includes('without an answer')",
                timeout=20_000,
            )
            assert "a provider may be hanging" in (page.text_content("#breaches") or "")


def test_with_nothing_breached_a_hang_turns_the_banner_amber_not_green() -> None:
    require_chromium()
    hub = ObservabilityHub(Settings(), log_events=False)
    state = QuietThenHung(hub)

    async def quiet_serve() -> None:
        await hub.start()
        listener = await run_ops_listener(ops_routes(hub), 0)
        state.url = listener.url
        for i in range(20):
            hub.emit(ToolCallFinished(f"ok{i}", None, "chat", "success", 0.2))
        state.ready.set()
        try:
            while not state.stop.is_set():
                if state.hang.is_set():
                    hub.emit(ToolCallStarted("hung", None, "chat"))
                    state.hang.clear()
                await asyncio.sleep(0.05)
        finally:
            await listener.aclose()
            await hub.aclose()

    with served_in_thread(quiet_serve(), state.stop):
        assert state.ready.wait(30), "ops listener did not start"
        with browser_page() as page:
            page.goto(f"{state.url}/dashboard")
            page.wait_for_selector("#breaches.ok")
            state.hang.set()
            page.wait_for_selector("#breaches.warn", timeout=20_000)
            assert "1 call(s) in flight for over 2 s" in (page.text_content("#breaches") or "")
