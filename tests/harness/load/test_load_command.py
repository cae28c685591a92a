"""``zen-harness load``: profile listing, the printed summary, exit codes (the run itself replaced)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from harness.load import runner
from harness.load.errors import LoadError
from harness.load.profile import load_profile
from harness.load.runner import LoadRun
from harness.load.summary import LoadSummary

DATA = {
    "calls": 40,
    "failures": 1,
    "rps": 4.25,
    "error_rate": 0.025,
    "latency_ms": {"p50": 210.4, "p95": 480.6, "p99": None, "max": 900.0},
}


def fake_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, data: dict[str, Any]) -> dict[str, Any]:
    asked: dict[str, Any] = {}

    def run_profile(name: str, **kwargs: Any) -> LoadRun:
        asked.update(kwargs, name=name)
        profile = load_profile(name)
        summary = LoadSummary(data)
        return LoadRun(profile, tmp_path / profile.name, 0, summary, summary.checks(profile.slo))

    monkeypatch.setattr(runner, "run_profile", run_profile)
    return asked


def test_list_shows_every_bundled_profile_with_its_description(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["load", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = [line.split()[0] for line in lines]
    expected = ["cluster", "leak-per-call", "ramp", "repeated", "smoke", "smoke-stdio", "soak", "soak-long"]
    assert names == [*expected, "spike", "step"]
    assert lines[names.index("ramp")].startswith("ramp           0 to 100 users")


def test_a_passing_run_prints_figures_and_checks_and_exits_0(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asked = fake_run(monkeypatch, tmp_path, DATA | {"failures": 0, "error_rate": 0.0})
    code = main(
        [
            "load",
            "smoke",
            "--out",
            str(tmp_path),
            "--time-scale",
            "0.5",
            "--server-cmd",
            "python s.py --http {port}",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert asked == {
        "name": "smoke",
        "out_root": tmp_path,
        "time_scale": 0.5,
        "server_command": ["python", "s.py", "--http", "{port}"],
        "target_url": None,
    }
    assert "profile smoke: 40 calls, 0 failed, 4.2/s" in out
    # Percentiles that were not measured are left out, not printed as 0.
    assert "latency ms: p50 210, p95 481, max 900\n" in out
    assert "  PASS  error rate: 0.00% (target < 1.0%)" in out
    assert f"reports: {tmp_path / 'smoke'}/report.html" in out


def test_a_run_breaking_its_slo_exits_1_and_marks_the_failed_check(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_run(monkeypatch, tmp_path, DATA)
    assert main(["load", "smoke", "--out", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "  FAIL  error rate: 2.50% (target < 1.0%)" in out
    assert "  PASS  p95 latency: 481 ms" in out


def test_a_run_that_could_not_be_made_exits_2_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(name: str, **_: Any) -> LoadRun:
        raise LoadError("Locust wrote no summary (exit 1)")

    monkeypatch.setattr(runner, "run_profile", broken)
    assert main(["load", "smoke"]) == 2
    assert capsys.readouterr().err == "zen-harness load: Locust wrote no summary (exit 1)\n"


def test_an_unknown_profile_exits_2_naming_the_bundled_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["load", "no-such-profile"]) == 2
    err = capsys.readouterr().err
    assert "no profile 'no-such-profile'" in err
    assert "smoke-stdio" in err


def test_url_is_the_target_and_each_workers_figures_are_printed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    latency = {"p50": 200.0, "p95": 300.4, "p99": 350.0, "max": 400.0}
    workers = [
        {"worker": "worker-1", "pid": 11, "calls": 25, "failures": 0, "latency_ms": latency},
        {"worker": "worker-2", "pid": 12, "calls": 15, "failures": 1, "latency_ms": latency | {"p95": None}},
    ]
    asked = fake_run(monkeypatch, tmp_path, DATA | {"workers": workers})
    url = "http://127.0.0.1:9/mcp"
    main(["load", "cluster", "--out", str(tmp_path), "--url", url])
    out = capsys.readouterr().out
    assert asked["target_url"] == url
    assert "  worker-1 (pid 11): 25 calls, 0 failed, p95 300 ms\n" in out
    assert "  worker-2 (pid 12): 15 calls, 1 failed, p95 n/a\n" in out
