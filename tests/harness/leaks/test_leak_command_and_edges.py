"""``zen-harness leaks`` output and exit codes, and the leak check's refusals (load replaced)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from harness.leaks import runner
from harness.leaks.analysis import Site, timeline
from harness.leaks.errors import LeakCheckError
from harness.leaks.runner import LeakReport, memray_command, run_leak_check, warmup_s
from harness.load.profile import load_profile
from harness.load.runner import LoadRun
from harness.load.summary import LoadSummary

GROWTH = {
    "rss_warm_mb": 80.0,
    "rss_end_mb": 95.5,
    "rss_growth_mb": 15.5,
    "heap_warm_mb": 20.0,
    "heap_end_mb": 21.3,
    "heap_growth_mb": 1.3,
}
SITES = {
    "high_water_mark": [
        {"size_mb": 3.5, "function": f"f{i}", "file": "zen_server/x.py", "line": i} for i in range(7)
    ]
}


def test_memray_runs_zen_server_over_http_and_native_stacks_only_when_asked(tmp_path: Path) -> None:
    plain = memray_command(tmp_path / "c.bin")
    native = memray_command(tmp_path / "c.bin", native=True)
    assert "--native" not in plain
    assert native == [*plain[:8], "--native", *plain[8:]]
    assert plain[plain.index("-m", 2) :][:2] == ["-m", "zen_server"]
    assert plain[-1] == "{port}"


def test_a_soak_warms_up_for_its_own_warm_up_other_shapes_a_tenth_at_least_5_s() -> None:
    assert warmup_s(load_profile("soak"), 1.0) == 10.0
    assert warmup_s(load_profile("soak"), 0.5) == 5.0
    assert warmup_s(load_profile("ramp"), 1.0) == 12.0  # 120 s run
    assert warmup_s(load_profile("ramp"), 0.1) == 5.0


def test_an_unreadable_capture_is_a_leak_check_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.bin"
    bogus.write_bytes(b"not a memray capture")
    with pytest.raises(LeakCheckError, match=f"memray capture {bogus} unreadable"):
        timeline(bogus)


def test_a_site_reads_as_size_allocations_function_and_place() -> None:
    text = Site("handle", "zen_server/app.py", 42, 1.5, 7).text()
    assert text == "    1.50 MB        7 allocs  handle (zen_server/app.py:42)"


def test_a_load_run_that_left_no_capture_is_a_leak_check_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def run_profile(name: str, **kwargs: Any) -> LoadRun:
        return LoadRun(load_profile(name), kwargs["out_root"] / name, 0, LoadSummary({}))

    monkeypatch.setattr(runner, "run_profile", run_profile)
    with pytest.raises(
        LeakCheckError, match=r"memray wrote no capture at .*server.memray.bin; see .*server.log"
    ):
        run_leak_check("smoke", out_root=tmp_path)


def test_a_failing_flamegraph_is_a_leak_check_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.bin"
    bogus.write_bytes(b"not a memray capture")
    with pytest.raises(LeakCheckError, match="memray flamegraph failed"):
        runner._flamegraph(bogus, tmp_path / "f.html", leaks=True)


def fake_check(monkeypatch: pytest.MonkeyPatch, growth: dict[str, float]) -> dict[str, Any]:
    asked: dict[str, Any] = {}

    def run(profile: str, **kwargs: Any) -> LeakReport:
        asked.update(kwargs, profile=profile)
        return LeakReport(profile, kwargs["limit_mb"], growth, SITES, {})

    monkeypatch.setattr(runner, "run_leak_check", run)
    return asked


def test_leaks_command_prints_growth_and_top_five_sites_and_passes_under_the_limit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asked = fake_check(monkeypatch, GROWTH)
    code = main(
        ["leaks", "smoke", "--out", str(tmp_path), "--time-scale", "0.2", "--limit-mb", "20", "--native"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert asked == {
        "profile": "smoke",
        "out_root": tmp_path,
        "time_scale": 0.2,
        "limit_mb": 20.0,
        "native": True,
        "max_bytes_per_call": None,  # no per-call bound unless asked for
    }
    assert "RSS  80.0 -> 95.5 MB (+15.5 MB)" in out
    assert "heap 20.0 -> 21.3 MB (+1.3 MB)" in out
    assert out.count("  peak: 3.50 MB") == 5
    assert f"PASS: growth limit 20 MB; report in {tmp_path / 'smoke'}/leaks.md" in out


def test_leaks_command_fails_exit_1_at_the_limit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_check(monkeypatch, GROWTH | {"rss_growth_mb": 100.0})
    assert main(["leaks"]) == 1
    assert "FAIL: growth limit 100 MB" in capsys.readouterr().out


def test_leaks_command_exits_2_when_the_check_cannot_be_made(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["leaks", "no-such-profile"]) == 2
    assert capsys.readouterr().err.startswith("zen-harness leaks: no profile 'no-such-profile'")
