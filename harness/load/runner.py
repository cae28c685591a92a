"""Runs one load profile headless and keeps Locust's CSV and HTML in ``runs/load/<profile>/``.

The runner owns the life of a run: start the fake provider(s) and, for HTTP profiles, the
server under test; run ``locust --headless`` in its own process with the profile's user
class and shape (``locustfile.py``); always stop what it started; then read the summary
the Locust process wrote and judge it against the profile's SLO. Every wait is bounded:
Locust gets the shape's duration plus a margin, then it is terminated.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from harness.cluster.providers import fake_custom_provider
from harness.launcher import (
    ZEN_HTTP_COMMAND,
    ZEN_STDIO_COMMAND,
    FakeProviders,
    HttpServerProcess,
    expand,
    server_environment,
    without_real_providers,
)
from harness.launcher.stopping import terminate_then_kill_blocking
from harness.load.cache_figures import scrape_cache_figures, write_sources
from harness.load.cluster_target import ClusterTarget
from harness.load.errors import LoadError
from harness.load.profile import Profile, load_profile
from harness.load.summary import LoadSummary, SloCheck
from harness.outputs import run_dir

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
DEFAULT_OUT = run_dir("load")
MARGIN_S = 60.0  # Locust start-up, the users' stop timeout, report writing


@dataclass
class LoadRun:
    profile: Profile
    out_dir: Path
    exit_code: int
    summary: LoadSummary
    checks: list[SloCheck] = field(default_factory=list)
    started_at: float = 0.0  # epoch seconds when Locust was launched (warm-up counts from here)
    # Per cache (hits, misses, hit_rate...) from the server's /metrics at the end; HTTP runs only.
    caches: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def files(self) -> list[Path]:
        return sorted(p for p in self.out_dir.iterdir() if p.is_file())


def locust_command(profile: Profile, host: str, out_dir: Path, *, stop_timeout_s: float) -> list[str]:
    user = "McpHttpUser" if profile.transport == "http" else "McpStdioUser"
    # A master and N workers forked on this machine; the master runs the shape and the reports.
    distributed = ["--processes", str(profile.workers)] if profile.workers else []
    return [
        sys.executable, "-m", "locust", *distributed, "-f", str(LOCUSTFILE), "--headless",
        "--host", host, "--csv", str(out_dir / "locust"), "--html", str(out_dir / "report.html"),
        "--only-summary", "--loglevel", "WARNING", "--logfile", str(out_dir / "locust.log"),
        "--stop-timeout", f"{stop_timeout_s:g}", "--exit-code-on-error", "0", user,
    ]  # fmt: skip


def run_profile(
    name_or_path: str,
    *,
    out_root: Path = DEFAULT_OUT,
    time_scale: float = 1.0,
    server_command: Sequence[str] | None = None,
    while_serving: Callable[[str], AbstractContextManager[object]] | None = None,
    target_url: str | None = None,
) -> LoadRun:
    """Run the profile against zen_server (or ``server_command``) and return its judged summary.

    ``while_serving(base_url)`` (HTTP profiles) is entered around the load, e.g. to scrape /metrics.
    ``target_url`` (HTTP profiles): an MCP URL already serving; nothing is started then.
    """
    profile = load_profile(name_or_path)
    if profile.transport != "http" and (target_url is not None or profile.target.kind == "cluster"):
        raise LoadError(f"profile {profile.name} runs over stdio; a URL or a cluster needs an HTTP profile")
    out_dir = out_root / profile.name
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("locust*"):
        old.unlink()  # a stale CSV from an earlier run must never pass for this one's
    summary_path = out_dir / "summary.json"
    summary_path.unlink(missing_ok=True)
    started_at = 0.0
    per_instance: dict[str, int | None] = {}
    caches: dict[str, dict[str, Any]] = {}
    write_sources(out_dir / "sources", profile.source_files)
    (out_dir / "cache.json").unlink(missing_ok=True)
    # A target URL is someone else's server: the run starts no fake provider for it.
    with nullcontext(None) if target_url is not None else FakeProviders(profile.provider) as fakes:
        server_env = (fakes.env() if fakes is not None else {}) | profile.server_env
        env = locust_environment(
            {
                "ZEN_LOAD_PROFILE": str(
                    Path(name_or_path) if Path(name_or_path).is_file() else profile_file(profile)
                ),
                "ZEN_LOAD_TIME_SCALE": f"{time_scale:g}",
                "ZEN_LOAD_SUMMARY": str(summary_path),
                "ZEN_LOAD_WORKDIR": str(out_dir.resolve()),
            }
        )
        if target_url is not None:
            started_at = time.time()
            exit_code = _run_locust(profile, target_url, out_dir, env, time_scale)
        elif profile.target.kind == "cluster":
            assert fakes is not None  # only a run on a target URL goes without
            wiring = fake_custom_provider(fakes.fakes["openai"].openai_base_url) | profile.server_env
            instances = profile.target.instances
            with ClusterTarget(instances, server_environment(wiring), out_dir / "logs") as cluster:
                started_at = time.time()
                exit_code = _run_locust(profile, cluster.url, out_dir, env, time_scale)
                per_instance = cluster.tool_calls_per_instance()
        elif profile.transport == "stdio":
            env["ZEN_LOAD_STDIO_COMMAND"] = json.dumps(expand(server_command or ZEN_STDIO_COMMAND))
            env["ZEN_LOAD_STDIO_ENV"] = json.dumps(server_env)
            started_at = time.time()
            exit_code = _run_locust(profile, "stdio://server", out_dir, env, time_scale)
        else:
            log = out_dir / "server.log"
            log.unlink(missing_ok=True)
            with (
                HttpServerProcess(server_command or ZEN_HTTP_COMMAND, env=server_env, log_path=log) as server,
                while_serving(server.base_url) if while_serving else nullcontext(),
            ):
                started_at = time.time()
                exit_code = _run_locust(profile, server.url, out_dir, env, time_scale)
                caches = _cache_figures(server.base_url, out_dir)
    if not summary_path.is_file():
        raise LoadError(f"Locust wrote no summary (exit {exit_code}); see {out_dir / 'locust.log'}")
    data = json.loads(summary_path.read_text())
    if per_instance:  # where the calls landed: HAProxy spread them over the instances
        data["tool_calls_per_instance"] = per_instance
        summary_path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    summary = LoadSummary(data)
    return LoadRun(profile, out_dir, exit_code, summary, summary.checks(profile.slo), started_at, caches)


def _cache_figures(base_url: str, out_dir: Path) -> dict[str, dict[str, Any]]:
    """The server's cache figures, kept in cache.json; none when it has no zen_cache_* series."""
    try:
        figures = scrape_cache_figures(base_url)
    except httpx.HTTPError:
        return {}  # another server under test (the upstream) has no such metrics, or none at all
    if figures:
        (out_dir / "cache.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return figures


def locust_environment(settings: dict[str, str]) -> dict[str, str]:
    """The Locust process's environment: ours without real provider settings, plus the run's.

    Locust itself never holds a real key either, since stdio servers are its children.
    """
    return without_real_providers(os.environ) | settings


def profile_file(profile: Profile) -> Path:
    from harness.load.profile import profile_path

    return profile_path(profile.name).resolve()


def _run_locust(profile: Profile, host: str, out_dir: Path, env: dict[str, str], time_scale: float) -> int:
    budget = profile.shape.scaled(time_scale).duration_s + profile.call_timeout_s + MARGIN_S
    command = locust_command(profile, host, out_dir, stop_timeout_s=profile.call_timeout_s)
    with open(out_dir / "locust.stdout", "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            return process.wait(budget)
        except subprocess.TimeoutExpired:
            terminate_then_kill_blocking(process, 15, 15)
            raise LoadError(f"Locust ran past its {budget:.0f}s budget and was stopped") from None
