"""The fuzz runner's bookkeeping, with the server and channel faked (no processes)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

from harness.fuzz import runner
from harness.fuzz.channels import Exchange, HttpChannel
from harness.fuzz.corpus import HostileCorpus
from harness.fuzz.frames import frame_texts
from harness.fuzz.runner import CI, FuzzResult, Leaks, Session, TransportFigures
from harness.fuzz.target import Secrets


def _leaks() -> Leaks:
    corpus = HostileCorpus(base=Path("/nonexistent"), markers={"file": "FILE-MARK"})
    return Leaks(Secrets(env_marker="ENV-MARK", provider_key="sk-KEY"), corpus)


def test_rss_growth_and_verdict_branches() -> None:
    figures = TransportFigures(rss_start_mb=100.0, rss_peak_mb=150.0)
    assert figures.rss_growth_mb == 50.0
    result = FuzzResult(
        budget=CI, seed=1, transports={"stdio": figures}, flood={"other_client_admitted": True}
    )
    assert result.passed
    assert not FuzzResult(budget=CI, seed=1, transports={"stdio": figures}).passed  # no flood verdict
    result.leaks = ["env marker in a reply"]
    assert not result.passed
    result.leaks = []
    for attr in ("crashes", "hangs", "server_errors"):
        setattr(figures, attr, 1)
        assert not result.passed
        setattr(figures, attr, 0)
    figures.rss_peak_mb = figures.rss_start_mb + runner.RSS_GROWTH_LIMIT_MB + 1
    assert not result.passed


def test_leaks_scan_records_each_kind_once_per_place() -> None:
    leaks = _leaks()
    leaks.scan("nothing here", "a reply")
    assert leaks.found == []
    leaks.scan("ENV-MARK and sk-KEY", "a reply")
    leaks.scan("ENV-MARK again", "a reply")
    leaks.scan("ENV-MARK", "a log")
    assert leaks.found == ["env marker in a reply", "provider key marker in a reply", "env marker in a log"]


def test_leaks_scan_bodies_decodes_base64_and_skips_garbage() -> None:
    leaks = _leaks()
    encoded = base64.b64encode(b"xx FILE-MARK yy").decode().rstrip("=")
    leaks.scan_bodies([{"image": f"data:image/png;base64,{encoded}"}, {"bad": "base64,A"}])
    assert leaks.found == ["file marker in a provider request"]
    clean = _leaks()
    clean.scan_bodies([{"image": "data:x;base64,A"}])  # one char: not decodable, skipped
    assert clean.found == []


class _Process:
    pid = 999_999_999
    returncode: int | None = None


class _Server:
    def __init__(self, alive: bool = True) -> None:
        self.process = _Process()
        self._alive = alive
        self.stopped = False

    def alive(self) -> bool:
        return self._alive

    def stop(self) -> int:
        self.stopped = True
        return 0


class _Channel:
    def __init__(self, exchange: Exchange) -> None:
        self.next = exchange
        self.sent: list[str] = []

    def exchange(self, text: str, expected: list[Any]) -> Exchange:
        self.sent.append(text)
        return self.next


def _session(monkeypatch: pytest.MonkeyPatch, exchange: Exchange, alive: bool = True) -> Session:
    starts: list[int] = []

    def start(self: Session) -> tuple[Any, Any]:
        starts.append(1)
        return _Server(alive if len(starts) == 1 else True), _Channel(exchange)

    monkeypatch.setattr(Session, "_start", start)
    monkeypatch.setattr(runner, "rss_mb", lambda pids: 42.0)
    return Session("stdio", {}, Path("."), Path("."), TransportFigures())


def test_send_counts_crash_and_restarts(monkeypatch: pytest.MonkeyPatch) -> None:
    session = _session(monkeypatch, Exchange(text="ok"), alive=False)
    first = session.server
    session.send("frame", ["1"], _leaks())
    assert session.figures.crashes == 1 and session.server is not first
    assert session.figures.examples[0].startswith("crash (exit None): 'frame'")
    assert session.figures.rss_peak_mb == 42.0


@pytest.mark.parametrize(
    ("exchange", "field", "problem"),
    [
        (Exchange(missing=True), "hangs", "no answer"),
        (Exchange(status=503), "server_errors", "HTTP 503"),
    ],
)
def test_send_counts_hangs_and_5xx(
    monkeypatch: pytest.MonkeyPatch, exchange: Exchange, field: str, problem: str
) -> None:
    session = _session(monkeypatch, exchange)
    first = session.server
    for _ in range(12):
        session.send("x" * 400, [], _leaks())
    assert getattr(session.figures, field) == 12
    assert len(session.figures.examples) == 10  # only the first ten are kept
    assert session.figures.examples[0] == f"{problem}: {'x' * 300!r}"
    assert session.server is first  # alive: not restarted


def test_send_clean_exchange_and_leak_in_reply(monkeypatch: pytest.MonkeyPatch) -> None:
    session = _session(monkeypatch, Exchange(status=200, text="sk-KEY"))
    leaks = _leaks()
    session.send("{}", [], leaks)
    figures = session.figures
    assert (figures.crashes, figures.hangs, figures.server_errors, figures.examples) == (0, 0, 0, [])
    assert leaks.found == ["provider key marker in a stdio reply"]


def test_stop_closes_http_channel(monkeypatch: pytest.MonkeyPatch) -> None:
    session = _session(monkeypatch, Exchange())
    closed: list[bool] = []
    http = HttpChannel.__new__(HttpChannel)
    monkeypatch.setattr(HttpChannel, "close", lambda self: closed.append(True))
    session.channel = http
    assert session.stop() == 0
    assert closed == [True]
    session.channel = _Channel(Exchange())  # type: ignore[assignment]
    assert session.stop() == 0 and closed == [True]


def test_rss_of_a_gone_server_is_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "rss_mb", lambda pids: None)
    assert runner._rss_mb(_Server()) == 0.0  # type: ignore[arg-type]


def test_tool_schemas_reads_list_or_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    tools = {"result": {"tools": [{"name": "chat", "inputSchema": {"type": "object"}}]}}
    good = Exchange(answers=["junk", {"id": "other"}, {"id": "tools", **tools}])
    session = _session(monkeypatch, good)
    assert runner._tool_schemas(session) == {"chat": {"type": "object"}}
    assert json.loads(session.channel.sent[0])["method"] == "tools/list"  # type: ignore[union-attr]
    bad = _session(monkeypatch, Exchange(answers=[{"id": "tools", "error": {}}], text="boom"))
    with pytest.raises(RuntimeError, match="tools/list failed: boom"):
        runner._tool_schemas(bad)


def test_drive_runs_count_examples_reproducibly() -> None:
    seen: list[int] = []
    runner._drive(st.integers(0, 10**9), 5, 123, seen.append)
    again: list[int] = []
    runner._drive(st.integers(0, 10**9), 5, 123, again.append)
    assert len(seen) == 5 and seen == again


def test_calls_draws_only_the_given_tools() -> None:
    schema = {"type": "object", "properties": {"prompt": {"type": "string"}}, "required": ["prompt"]}
    tools = {"chat": schema, "thinkdeep": schema}
    drawn: list[tuple[str, dict[str, Any]]] = []
    runner._drive(runner._calls(tools, ["/p/a.py"], "/p"), 10, 7, drawn.append)
    assert drawn and {name for name, _ in drawn} <= set(tools)
    assert all(isinstance(arguments, dict) for _, arguments in drawn)


@pytest.mark.parametrize("transport", ["stdio", "http"])
def test_start_picks_the_channel_for_the_transport(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, transport: str
) -> None:
    made: list[tuple[str, Path]] = []

    class FakeServer:
        def __init__(self, kind: str, env: dict[str, str], log: Path, cwd: Path) -> None:
            made.append((kind, log))

    class FakeChannel:
        def __init__(self, server: Any) -> None:
            self.kind = "stdio-channel" if isinstance(self, FakeStdio) else "http-channel"
            self.initialized = False

        def initialize(self) -> None:
            self.initialized = True

    class FakeStdio(FakeChannel):
        pass

    class FakeHttp(FakeChannel):
        pass

    monkeypatch.setattr(runner, "ServerProcess", FakeServer)
    monkeypatch.setattr(runner, "StdioChannel", FakeStdio)
    monkeypatch.setattr(runner, "HttpChannel", FakeHttp)
    session = Session(transport, {}, tmp_path, tmp_path, TransportFigures())
    assert made == [(transport, tmp_path / f"{transport}.log")]
    channel: Any = session.channel
    assert channel.kind == f"{transport}-channel" and channel.initialized


def test_session_flood_counts_refusals_and_checks_another_client(monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx

    statuses = iter([200, 429, 200, 503])
    clients: list[dict[str, Any]] = []

    class FakeClient:
        def __init__(self, **kwargs: Any) -> None:
            clients.append(kwargs)
            self.other = "transport" in kwargs

        def __enter__(self) -> FakeClient:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def post(self, url: str, *, content: str, headers: dict[str, str]) -> Any:
            assert json.loads(content)["method"] == "initialize"
            return type("R", (), {"status_code": 403 if self.other else next(statuses)})()

    monkeypatch.setattr(httpx, "Client", FakeClient)
    monkeypatch.setattr(httpx, "HTTPTransport", lambda **kw: ("transport", kw))
    rss = iter([10.0, 30.0])
    monkeypatch.setattr(runner, "_rss_mb", lambda server: next(rss))
    session: Any = type("S", (), {"server": type("P", (), {"url": "http://127.0.0.1:1/mcp"})()})()
    flood = runner._session_flood(session, 4)
    assert flood == {
        "initializes": 4,
        "refused": 2,
        "rss_before_mb": 10.0,
        "rss_after_mb": 30.0,
        "other_client_status": 403,
        "other_client_admitted": False,
    }
    assert clients[1]["transport"] == ("transport", {"local_address": "127.0.0.2"})


def test_run_fuzz_orchestration_with_everything_faked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Budget split, provider scans, shutdown status, log and git-marker leaks: no processes."""
    import fakes.testing

    secrets_seen: list[Secrets] = []
    base = tmp_path / "corpus-base"

    class Stats:
        requests = 3
        recent = [{"body": {"messages": "clean"}}]

    class Control:
        def __init__(self) -> None:
            self.resets = 0

        def stats(self, bodies: int) -> Stats:
            return Stats()

        def reset(self) -> None:
            self.resets += 1

    control = Control()

    class FakeProvider:
        openai_base_url = "http://fake"

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.control = control

        def __enter__(self) -> FakeProvider:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    class Corpus(HostileCorpus):
        closed = False

        def close(self) -> None:
            Corpus.closed = True

    def build_corpus(path: Path) -> HostileCorpus:
        corpus = Corpus(base=base, markers={"file": "FILE-MARK"}, paths=["/x"])
        corpus.git_marker.parent.mkdir(parents=True, exist_ok=True)
        corpus.git_marker.write_text("ran hook", encoding="utf-8")
        return corpus

    def environment(url: str, secrets: Secrets, project: Path, audit: Path) -> dict[str, str]:
        secrets_seen.append(secrets)
        return {}

    stops = iter([0, 1])

    class FakeSession:
        def __init__(self, transport: str, env: dict[str, str], logs: Path, cwd: Path, figures: Any) -> None:
            self.transport, self.figures = transport, figures
            self.server = _Server()
            self.channel = type("C", (), {"initialize": lambda self: None})()
            self.sent: list[str] = []

        def send(self, text: str, expected: list[Any], leaks: Leaks) -> Exchange:
            self.sent.append(text)
            return Exchange()

        def stop(self) -> int:
            return next(stops)

    def drive(strategy: Any, count: int, run_seed: int, body: Any) -> None:
        for _ in range(count):
            body("{}" if strategy is frame_texts else ("chat", {"prompt": "hi"}))

    schemas = {"chat": {"type": "object"}}
    monkeypatch.setattr(fakes.testing, "FakeServer", FakeProvider)
    monkeypatch.setattr(runner, "build_corpus", build_corpus)
    monkeypatch.setattr(runner, "server_environment", environment)
    monkeypatch.setattr(runner, "Session", FakeSession)
    monkeypatch.setattr(runner, "_drive", drive)
    monkeypatch.setattr(runner, "_tool_schemas", lambda session: schemas)
    monkeypatch.setattr(runner, "_rss_mb", lambda server: 50.0)
    monkeypatch.setattr(
        runner, "_session_flood", lambda s, n: {"rss_after_mb": 80.0, "other_client_admitted": True}
    )
    monkeypatch.setattr(runner, "SCAN_EVERY", 2)
    work = tmp_path / "work"
    work.mkdir()
    logs: list[str] = []

    def log_writer(line: str) -> None:
        logs.append(line)
        if line.startswith("[http] frames"):  # the env marker shows up in a log file
            (work / "http.log").write_text(secrets_seen[0].env_marker, encoding="utf-8")

    budget = runner.Budget(frames=3, arguments=5, session_flood=7)
    result = runner.run_fuzz(budget, run_seed=1, work_dir=work, log=log_writer)
    stdio, http = result.transports["stdio"], result.transports["http"]
    assert (stdio.frames, http.frames) == (3, 3)
    assert stdio.arguments["chat"] == 3 and http.arguments["chat"] == 2  # odd share goes to stdio
    assert stdio.arguments["workflow"] == 0
    assert stdio.crashes == 0 and http.crashes == 1
    assert http.examples == ["exit status 1 at shutdown"]
    assert http.rss_peak_mb == 80.0 and result.flood["other_client_admitted"]
    assert result.provider_requests == 3 * (5 + 1)  # 11 sends: every 2nd scanned, then once forced
    assert Corpus.closed
    assert "env marker in the log http.log" in result.leaks
    assert any(
        leak.startswith("the corpus repository made git run a program: ran hook") for leak in result.leaks
    )
    assert not result.passed
    assert any("chat: 3 argument sets over 1 tool(s)" in line for line in logs)
