"""The scenario model: what a chaos scenario file says, as validated pydantic data.

A scenario is a Chaos Toolkit-style experiment for an MCP server:
- ``target``: the server under test (zen_server by default, or any MCP server as a command
  or a URL), and how to reach it;
- ``providers``: the fake model providers behind it, each behind its own fault proxy;
- ``redis``: optional; the target runs in distributed mode on the harness's own
  redis-server, which actions may break (toxics on its proxy, kill -9, restart);
- ``load``: the calls made while the experiment runs (concurrency or rate, tool mix,
  continuations);
- ``phases``: ``before`` (steady state), ``during`` (the method runs) and ``after``
  (recovery), in seconds; every time on the timeline scales with ``--time-scale``
  (``harness.chaos.timescale``) unless ``full_length`` says why the scenario cannot be shortened;
- ``method``: timed actions (see ``harness.chaos.actions``);
- ``hypotheses``: checks that must hold, each for a phase (see ``harness.chaos.hypotheses``);
- ``rollbacks``: actions that always run at the end, also after a failure or Ctrl-C.
Actions and hypotheses are validated by their own registries (``loader.py``).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from harness.chaos.actions import ActionSpec
from harness.chaos.hypotheses import HypothesisSpec
from harness.chaos.timescale import TimelineSeconds, scale_model


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TargetSpec(_Strict):
    """The MCP server under test. Placeholders in ``command``, ``url`` and ``env``:
    ``{port}`` (a free port for HTTP targets), ``{python}`` (this interpreter),
    ``{provider.NAME.url}`` (the base URL the server must use for fake NAME), and
    ``{file.NAME}`` (the path of ``files[NAME]``, written into the run's scratch directory
    with the same placeholders filled: a deployments file naming the fakes, say)."""

    kind: Literal["zen_server", "command", "url", "cluster"] = "zen_server"
    transport: Literal["stdio", "http"] = "http"
    # kind 'cluster': this many zen_server instances in distributed mode behind HAProxy.
    instances: int = Field(default=3, ge=1, le=8)
    drain_timeout_s: float = Field(default=10.0, ge=0, le=120)  # cluster: each instance's drain bound
    # cluster: sessions go through HAProxy ("balancer"), or straight to the instances in
    # turn ("direct": session i on instance i mod N), to place turns on chosen instances.
    route: Literal["balancer", "direct"] = "balancer"
    command: list[str] | None = None
    url: str | None = None
    env: dict[str, str] = Field(default_factory=dict)
    wire_provider_env: bool = True  # set OPENAI_/GEMINI_ variables for the fakes
    files: dict[str, str] = Field(default_factory=dict)
    startup_timeout_s: float = Field(default=30.0, gt=0, le=300)

    @model_validator(mode="after")
    def _file_names(self) -> TargetSpec:
        for name in self.files:
            if not re.fullmatch(r"[a-z][a-z0-9_.-]{0,63}", name) or ".." in name:
                raise ValueError(f"file name {name!r}: lower-case letters, digits, '_', '-', '.' only")
        return self

    @model_validator(mode="after")
    def _kind_fields(self) -> TargetSpec:
        if self.kind == "command" and not self.command:
            raise ValueError("kind 'command' needs 'command': the argv that starts the server")
        if self.kind == "url" and not self.url:
            raise ValueError("kind 'url' needs 'url', e.g. http://127.0.0.1:8000/mcp")
        if self.kind in {"url", "cluster"} and self.transport != "http":
            raise ValueError(f"kind '{self.kind}' is reached over HTTP: set transport: http")
        return self

    @property
    def restartable(self) -> bool:
        return self.kind != "url"


class ProviderSpec(_Strict):
    """One fake provider; ``behaviour`` is handed to the fake as its starting behaviour."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    kind: Literal["openai", "gemini"] = "openai"
    behaviour: dict[str, Any] = Field(default_factory=dict)
    proxied: bool = True


class ToolMix(_Strict):
    """One tool the load calls, with its share of the calls and fixed arguments.
    ``{workdir}`` in an argument value is replaced by a scratch directory."""

    name: str = "chat"
    weight: float = Field(default=1.0, gt=0)
    arguments: dict[str, Any] = Field(default_factory=dict)
    prompt_argument: str | None = "prompt"  # where the traced prompt goes; None: leave as is
    continuation_argument: str | None = "continuation_id"


class LoadSpec(_Strict):
    """Closed-loop load (``concurrency`` workers) or open-loop (``rate`` calls/s, capped
    by ``concurrency`` calls in flight)."""

    concurrency: int = Field(default=5, ge=1, le=500)
    rate: float | None = Field(default=None, gt=0, le=1000)
    sessions: int = Field(default=1, ge=1, le=100)
    tools: list[ToolMix] = Field(default_factory=lambda: [ToolMix()], min_length=1)
    continuation_ratio: float = Field(default=0.5, ge=0, le=1)
    continuation_path: str = "continuation_offer.continuation_id"
    max_turns_per_thread: int = Field(default=8, ge=1, le=1000)
    # Workers in groups of this size continue one thread at once (concurrent continuations of
    # the same conversation: a lost update shows as a missing turn). 1: each worker its own.
    workers_per_thread: int = Field(default=1, ge=1, le=50)
    # Keep continuing a thread after a failed call (the server was down, not the thread lost):
    # proves a thread outlives a restart. Off by default: a failed turn may have ended the thread.
    keep_thread_after_error: bool = False
    prompt_words: int = Field(default=40, ge=1, le=200_000)
    call_timeout_s: float = Field(default=30.0, gt=0, le=600)
    think_time_s: float = Field(default=0.0, ge=0, le=60)
    # A call made while its session is reconnecting waits this long for the new session
    # (as an MCP client that re-initialises would) instead of failing at once. 0 keeps
    # "the server is down" visible as fast failures (server-restart); a cluster sets it.
    session_wait_s: float = Field(default=0.0, ge=0, le=60)
    # Each turn of a thread goes out on the next session rather than the thread's own.
    spread_turns: bool = False


class RedisSpec(_Strict):
    """Run the target in distributed mode on the harness's own redis-server (a free port,
    append-only with fsync always), behind a fault proxy named ``redis`` when ``proxied``."""

    proxied: bool = True
    prefix: str = Field(default="chaos:", pattern=r"^[A-Za-z0-9:_-]{1,40}$")


class Phases(_Strict):
    """Seconds of steady state, of fault (the method), and of recovery."""

    before: TimelineSeconds = Field(default=4.0, ge=0, le=600)
    during: TimelineSeconds = Field(default=10.0, gt=0, le=600)
    after: TimelineSeconds = Field(default=6.0, ge=0, le=600)

    @property
    def total(self) -> float:
        return self.before + self.during + self.after


class Scenario(_Strict):
    """A whole scenario; ``method``/``rollbacks``/``hypotheses`` hold registry models."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str = ""
    description: str = ""
    proves: str = ""
    target: TargetSpec = Field(default_factory=TargetSpec)
    providers: list[ProviderSpec] = Field(default_factory=lambda: [ProviderSpec(name="openai")])
    load: LoadSpec = Field(default_factory=LoadSpec)
    redis: RedisSpec | None = None
    phases: Phases = Field(default_factory=Phases)
    method: list[ActionSpec] = Field(default_factory=list)
    rollbacks: list[ActionSpec] = Field(default_factory=list)
    hypotheses: list[HypothesisSpec] = Field(default_factory=list, min_length=1)
    # Why this scenario must run at its written length even under --quick / --time-scale.
    full_length: str | None = Field(default=None, min_length=10)

    @model_validator(mode="after")
    def _redis_proxy_name_is_free(self) -> Scenario:
        if self.redis is not None and self.provider("redis") is not None:
            raise ValueError("a provider may not be named 'redis' when the scenario has a 'redis:' section")
        if self.target.kind == "cluster" and self.redis is None:
            raise ValueError("target kind 'cluster' shares threads through Redis: add a 'redis:' section")
        return self

    def provider(self, name: str) -> ProviderSpec | None:
        return next((p for p in self.providers if p.name == name), None)

    def time_scale_for(self, requested: float) -> float:
        """The scale this scenario runs at: ``requested``, or 1 when it says it cannot be shortened."""
        return 1.0 if self.full_length is not None else requested

    def scaled(self, factor: float) -> Scenario:
        """This scenario with every time on its timeline (``TimelineSeconds``) times ``factor``:
        phases, actions' ``at`` and ``duration``, hypotheses' recovery and settling bounds."""
        return self if factor == 1.0 else scale_model(self, factor)
