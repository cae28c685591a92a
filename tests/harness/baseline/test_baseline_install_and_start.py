"""``zen-harness baseline install``: a real venv from a real (hand-built, offline) wheel, the
record under XDG_CACHE_HOME, the start check over real stdio, and the failures as harness
errors carrying their log."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from harness.baseline import registry
from harness.baseline.errors import (
    BaselineError,
    BaselineInstallError,
    BaselineNotInstalled,
    BaselineStartError,
)
from harness.baseline.install import install
from harness.chaos.baseline import check_starts, resolve
from harness.cli import main

SCRIPT = "fake-baseline"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of the test's own."""
    root = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(root))
    return root


def test_install_builds_a_venv_under_the_xdg_cache_and_records_how_to_run_it(installed_cache: Path) -> None:
    baseline = registry.load("fake")
    folder = installed_cache / "zen-harness" / "baselines" / "fake"
    assert baseline.folder == folder
    assert baseline.command == [str(folder / "venv" / "bin" / SCRIPT)]
    assert Path(baseline.command[0]).is_file()
    assert baseline.versions["fake-baseline"] == "1.0"
    record = json.loads((folder / "baseline.json").read_text())
    assert record["command"] == baseline.command and record["transport"] == "stdio"
    assert record["requirements"][0].startswith("fake-baseline @ file:")
    assert [b.name for b in registry.installed()] == ["crashy", "fake"]
    tools = check_starts(resolve("baseline:fake"))
    assert "chat" in tools


def test_a_baseline_that_crashes_at_start_is_a_start_error_with_its_log(installed_cache: Path) -> None:
    with pytest.raises(BaselineStartError) as caught:
        check_starts(registry.load("crashy"))
    assert "fake baseline boom: no provider" in str(caught.value)
    assert caught.value.log == installed_cache / "zen-harness" / "baselines" / "crashy" / "start-check.log"


def test_a_failed_pip_install_is_an_install_error_carrying_the_log(cache: Path, tmp_path: Path) -> None:
    missing = (tmp_path / "nowhere" / "x.whl").as_uri()
    with pytest.raises(BaselineInstallError) as caught:
        install("broken", [f"fake-baseline @ {missing}"])
    log = cache / "zen-harness" / "baselines" / "broken" / "install.log"
    assert caught.value.log == log
    assert "pip install" in str(caught.value) and "x.whl" in log.read_text()
    with pytest.raises(BaselineNotInstalled):
        registry.load("broken")


def test_cli_install_failure_exits_2_and_chaos_run_on_a_missing_baseline_exits_3(
    cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = (tmp_path / "none.whl").as_uri()
    assert main(["baseline", "install", "broken", f"fake-baseline @ {missing}"]) == 2
    assert "install log" in capsys.readouterr().err
    code = main(["run", "scenarios/latency-spike.yaml", "--target", "baseline:absent",
                 "--reports", str(tmp_path / "r"), "--no-plots"])  # fmt: skip
    assert code == 3
    assert "install it first" in capsys.readouterr().out
    assert not (tmp_path / "r" / "summary.json").exists()


def test_a_chaos_run_on_a_baseline_that_does_not_start_is_a_harness_error_not_a_verdict(
    installed_cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["run", "scenarios/latency-spike.yaml", "--target", "baseline:crashy",
                 "--reports", str(tmp_path / "r"), "--no-plots"])  # fmt: skip
    assert code == 3
    assert "fake baseline boom" in capsys.readouterr().out
    assert not (tmp_path / "r" / "summary.json").exists()


@pytest.mark.parametrize("name", ["../escape", "UPPER", "", "a/b"])
def test_baseline_names_that_are_not_folder_names_are_refused(cache: Path, name: str) -> None:
    with pytest.raises(BaselineError):
        registry.baseline_dir(name)


def test_a_scenario_the_baseline_cannot_be_wired_for_is_not_applicable_and_not_run(
    installed_cache: Path, tmp_path: Path
) -> None:
    # The upstream's profile (one OpenAI-compatible endpoint, CUSTOM_API_URL) on the fake's venv.
    palish = replace(registry.load("fake"), name="palish", profile="pal")
    palish.folder.mkdir(parents=True, exist_ok=True)
    palish.save()
    reports = tmp_path / "r"
    code = main(["run", "scenarios/provider-outage-fallback.yaml", "--target", "baseline:palish",
                 "--reports", str(reports), "--no-plots"])  # fmt: skip
    assert code == 0
    summary = json.loads((reports / "summary.json").read_text())
    assert summary["scenarios"] == []
    [skipped] = summary["not_applicable"]
    assert skipped["name"] == "provider-outage-fallback" and "CUSTOM_API_URL" in skipped["reason"]
    assert "## Not applicable to this target" in (reports / "summary.md").read_text()
