"""The fuzz session: frames and tool arguments from hypothesis against zen-server over stdio and HTTP.

For each transport a real server process runs against an in-process fake provider, with
secrets planted in its environment and in files outside its one allowed root. Hypothesis
generates the inputs; each one is sent and its owed answers awaited. Findings are counted,
not raised: crashes (the process died; it is restarted), hangs (an owed answer did not
come), server errors (HTTP 5xx), secret leaks (a planted marker in a provider request, a
reply or a log), and RSS growth. ``FuzzResult.passed`` is the verdict.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from harness.fuzz.arguments import FAMILIES, argument_strategy, family_of
from harness.fuzz.channels import Exchange, HttpChannel, StdioChannel
from harness.fuzz.corpus import HostileCorpus, build_corpus
from harness.fuzz.frames import frame_texts, owed_for_text
from harness.fuzz.target import Secrets, ServerProcess, server_environment
from harness.sampling import rss_mb

RSS_GROWTH_LIMIT_MB = 256.0
Call = tuple[str, dict[str, Any]]  # (tool name, arguments)
SCAN_EVERY = 200  # provider bodies are fetched and cleared this often (the fake keeps 10,000)


@dataclass(frozen=True)
class Budget:
    frames: int  # per transport
    arguments: int  # per tool family, over both transports
    session_flood: int  # initializes from one client over HTTP


FULL = Budget(frames=1000, arguments=1000, session_flood=10_000)
CI = Budget(frames=60, arguments=40, session_flood=300)


@dataclass
class TransportFigures:
    frames: int = 0
    arguments: dict[str, int] = field(default_factory=dict)
    crashes: int = 0
    hangs: int = 0
    server_errors: int = 0
    rss_start_mb: float = 0.0
    rss_peak_mb: float = 0.0
    rss_end_mb: float = 0.0
    examples: list[str] = field(default_factory=list)  # first inputs behind findings

    @property
    def rss_growth_mb(self) -> float:
        return self.rss_peak_mb - self.rss_start_mb


@dataclass
class FuzzResult:
    budget: Budget
    seed: int
    transports: dict[str, TransportFigures] = field(default_factory=dict)
    provider_requests: int = 0
    leaks: list[str] = field(default_factory=list)
    flood: dict[str, Any] = field(default_factory=dict)
    duration_s: float = 0.0

    @property
    def passed(self) -> bool:
        figures = self.transports.values()
        return (
            not self.leaks
            and all(f.crashes == 0 and f.hangs == 0 and f.server_errors == 0 for f in figures)
            and all(f.rss_growth_mb <= RSS_GROWTH_LIMIT_MB for f in figures)
            and bool(self.flood.get("other_client_admitted", False))
        )


def _rss_mb(server: ServerProcess) -> float:
    """The server's RSS in MB; 0 once it has gone (its figures then fail on the calls, not here)."""
    return rss_mb([server.process.pid]) or 0.0


class Leaks:
    """Looks for every planted marker in any text it is shown."""

    def __init__(self, secrets: Secrets, corpus: HostileCorpus) -> None:
        self.markers = {"env": secrets.env_marker, "provider key": secrets.provider_key, **corpus.markers}
        self.found: list[str] = []

    def scan(self, text: str, where: str) -> None:
        for kind, marker in self.markers.items():
            if marker in text and not any(kind in f and where in f for f in self.found):
                self.found.append(f"{kind} marker in {where}")

    def scan_bodies(self, bodies: list[Any]) -> None:
        text = json.dumps(bodies)
        decoded = []
        for chunk in re.findall(r"base64,([A-Za-z0-9+/=]+)", text):
            try:
                decoded.append(base64.b64decode(chunk + "=" * (-len(chunk) % 4)).decode("latin-1"))
            except ValueError:
                continue
        self.scan(text + "\n".join(decoded), "a provider request")


class Session:
    """One transport's server and channel, restarted after a crash."""

    def __init__(
        self, transport: str, env: dict[str, str], logs: Path, cwd: Path, figures: TransportFigures
    ) -> None:
        self.transport, self._env, self._logs, self._cwd, self.figures = transport, env, logs, cwd, figures
        self.server, self.channel = self._start()

    def _start(self) -> tuple[ServerProcess, StdioChannel | HttpChannel]:
        server = ServerProcess(self.transport, self._env, self._logs / f"{self.transport}.log", self._cwd)
        channel: StdioChannel | HttpChannel = (
            StdioChannel(server) if self.transport == "stdio" else HttpChannel(server)
        )
        channel.initialize()
        return server, channel

    def send(self, text: str, expected: list[Any], leaks: Leaks) -> Exchange:
        exchange = self.channel.exchange(text, expected)
        leaks.scan(exchange.text, f"a {self.transport} reply")
        problem = None
        if not self.server.alive():
            self.figures.crashes += 1
            problem = f"crash (exit {self.server.process.returncode})"
        elif exchange.missing:
            self.figures.hangs += 1
            problem = "no answer"
        elif exchange.status is not None and exchange.status >= 500:
            self.figures.server_errors += 1
            problem = f"HTTP {exchange.status}"
        if problem is not None:
            if len(self.figures.examples) < 10:
                self.figures.examples.append(f"{problem}: {text[:300]!r}")
            if not self.server.alive():
                self.server, self.channel = self._start()
        self.figures.rss_peak_mb = max(self.figures.rss_peak_mb, _rss_mb(self.server))
        return exchange

    def stop(self) -> int:
        if isinstance(self.channel, HttpChannel):
            self.channel.close()
        return self.server.stop()


def _drive(strategy: st.SearchStrategy[Any], count: int, run_seed: int, body: Callable[[Any], None]) -> None:
    @seed(run_seed)
    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(strategy)
    def each(value: Any) -> None:
        body(value)

    each()


def _calls(tools: dict[str, dict[str, Any]], paths: list[str], project: str) -> st.SearchStrategy[Call]:
    """(tool name, arguments) for the tools of one family."""

    def for_tool(name: str) -> st.SearchStrategy[Call]:
        return st.tuples(st.just(name), argument_strategy(tools[name], paths, project))

    return st.sampled_from(sorted(tools)).flatmap(for_tool)


def _tool_schemas(session: Session) -> dict[str, dict[str, Any]]:
    exchange = session.channel.exchange(json.dumps({"jsonrpc": "2.0", "id": "tools", "method": "tools/list"}),
                                        ["tools"])  # fmt: skip
    for answer in exchange.answers:
        if isinstance(answer, dict) and answer.get("id") == "tools" and "result" in answer:
            return {t["name"]: t["inputSchema"] for t in answer["result"]["tools"]}
    raise RuntimeError(f"tools/list failed: {exchange.text[:500]}")


def run_fuzz(
    budget: Budget, *, run_seed: int, work_dir: Path, log: Callable[[str], None] = print
) -> FuzzResult:
    from fakes.testing import FakeServer

    started = time.monotonic()
    result = FuzzResult(budget=budget, seed=run_seed)
    with (
        tempfile.TemporaryDirectory(prefix="zen-fuzz-") as tmp,
        FakeServer("openai", behaviour={"recent_bodies": 10_000}, seed=run_seed) as fake,
    ):
        corpus = build_corpus(Path(tmp) / "corpus")
        secrets = Secrets(
            env_marker=f"PLANTED-env-{uuid.uuid4().hex}", provider_key=f"sk-fuzz-{uuid.uuid4().hex}"
        )
        leaks = Leaks(secrets, corpus)
        audit = work_dir / "audit.jsonl"
        env = server_environment(fake.openai_base_url, secrets, corpus.project, audit)
        sent = 0

        def scan_provider(force: bool = False) -> None:
            nonlocal sent
            sent += 1
            if force or sent % SCAN_EVERY == 0:
                stats = fake.control.stats(bodies=10_000)
                result.provider_requests += stats.requests
                leaks.scan_bodies([call["body"] for call in stats.recent])
                fake.control.reset()

        try:
            for transport in ("stdio", "http"):
                figures = TransportFigures(arguments=dict.fromkeys(FAMILIES, 0))
                result.transports[transport] = figures
                session = Session(transport, env, work_dir, corpus.project, figures)
                figures.rss_start_mb = figures.rss_peak_mb = _rss_mb(session.server)
                log(f"[{transport}] frames: {budget.frames}")

                def one_frame(
                    text: str, session: Session = session, figures: TransportFigures = figures
                ) -> None:
                    figures.frames += 1
                    owed = owed_for_text(text) if session.transport == "stdio" else []
                    session.send(text, owed, leaks)
                    scan_provider()

                _drive(frame_texts, budget.frames, run_seed, one_frame)
                session.channel.initialize()  # frames may have re-initialized or closed the session
                schemas = _tool_schemas(session)
                share = budget.arguments // 2 + (budget.arguments % 2 if transport == "stdio" else 0)
                for family in FAMILIES:
                    tools = {n: s for n, s in schemas.items() if family_of(n, s) == family}
                    if not tools:
                        continue
                    log(f"[{transport}] {family}: {share} argument sets over {len(tools)} tool(s)")
                    strategy = _calls(tools, corpus.paths, str(corpus.project))
                    counter = itertools.count(1)

                    def one_call(
                        pair: tuple[str, dict[str, Any]],
                        family: str = family,
                        figures: TransportFigures = figures,
                        session: Session = session,
                        counter: Iterator[int] = counter,
                    ) -> None:
                        name, arguments = pair
                        figures.arguments[family] += 1
                        call_id = f"call-{next(counter)}"
                        params = {"name": name, "arguments": arguments}
                        frame = {"jsonrpc": "2.0", "id": call_id, "method": "tools/call", "params": params}
                        owed = [call_id] if session.transport == "stdio" else []
                        session.send(json.dumps(frame), owed, leaks)
                        scan_provider()

                    _drive(strategy, share, run_seed + hash(family) % 1000, one_call)
                figures.rss_end_mb = _rss_mb(session.server)
                if transport == "http":
                    result.flood = _session_flood(session, budget.session_flood)
                    figures.rss_peak_mb = max(figures.rss_peak_mb, result.flood["rss_after_mb"])
                status = session.stop()
                if status not in (0, -15):
                    figures.crashes += 1
                    figures.examples.append(f"exit status {status} at shutdown")
            scan_provider(force=True)
        finally:
            corpus.close()
        for path in [*work_dir.glob("*.log"), audit]:
            if path.exists():
                leaks.scan(path.read_text(errors="replace"), f"the log {path.name}")
        if corpus.git_marker.exists():
            leaks.found.append(
                f"the corpus repository made git run a program: {corpus.git_marker.read_text()[:200]}"
            )
    result.leaks = leaks.found
    result.duration_s = time.monotonic() - started
    return result


def _session_flood(session: Session, count: int) -> dict[str, Any]:
    """``count`` initializes from one client, then a second client must still get in."""
    import httpx

    from harness.fuzz.channels import INITIALIZE, MCP_HEADERS

    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": INITIALIZE})
    before = _rss_mb(session.server)
    refused = 0
    with httpx.Client(timeout=30) as http:
        for _ in range(count):
            if http.post(session.server.url, content=body, headers=MCP_HEADERS).status_code != 200:
                refused += 1
    after = _rss_mb(session.server)
    transport = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(timeout=30, transport=transport) as other:
        status = other.post(session.server.url, content=body, headers=MCP_HEADERS).status_code
    return {"initializes": count, "refused": refused, "rss_before_mb": before, "rss_after_mb": after,
            "other_client_status": status, "other_client_admitted": status == 200}  # fmt: skip


__all__ = ["CI", "FULL", "Budget", "FuzzResult", "TransportFigures", "run_fuzz"]
