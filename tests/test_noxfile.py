"""The nox sessions: one shared environment (the project's .venv), and chaos arguments
after `--` passed through so files and library names both work."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def _load_noxfile() -> ModuleType:
    # Once per test run: loading it again would register its sessions twice.
    spec = importlib.util.spec_from_file_location("project_noxfile", ROOT / "noxfile.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def noxfile(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    module = _load_noxfile()
    monkeypatch.setattr(module, "_venv", lambda session: None)  # no install in a unit test
    return module


class RecordingSession:
    def __init__(self, *posargs: str) -> None:
        self.posargs = list(posargs)
        self.runs: list[tuple[str, ...]] = []

    def run(self, *args: str, **kwargs: Any) -> None:
        assert kwargs.get("external") is True, "every tool comes from the project's .venv"
        self.runs.append(args)


def test_sessions_share_the_project_venv_instead_of_one_each(noxfile: ModuleType) -> None:
    import nox

    assert nox.options.default_venv_backend == "none"
    assert noxfile.VENV == ROOT / ".venv"


@pytest.mark.parametrize(
    ("posargs", "command"),
    [
        ((), ["run"]),  # zen-harness run defaults to scenarios/
        (("scenarios/hanging-provider.yaml",), ["run", "scenarios/hanging-provider.yaml"]),
        (("hanging-provider", "--quick"), ["run", "hanging-provider", "--quick"]),
        (("--quick",), ["run", "--quick"]),
    ],
)
def test_chaos_passes_scenario_files_and_names_through(
    noxfile: ModuleType, posargs: tuple[str, ...], command: list[str]
) -> None:
    session = RecordingSession(*posargs)
    noxfile.chaos(session)
    ((tool, *args),) = session.runs
    assert tool == str(noxfile.BIN / "zen-harness")
    assert args == command


def test_zen_harness_run_accepts_what_nox_passes() -> None:
    from harness.cli import build_parser, load_subcommands

    parser = build_parser(load_subcommands())
    assert parser.parse_args(["run", "scenarios/hanging-provider.yaml"]).paths == [
        Path("scenarios/hanging-provider.yaml")
    ]
    assert parser.parse_args(["run", "hanging-provider", "--quick"]).quick


def test_bench_saves_the_run_under_runs_and_compares_it_with_the_baseline(
    noxfile: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    session = RecordingSession()
    noxfile.bench(session)
    (pytest_tool, *pytest_args), (python_tool, *report_args) = session.runs
    assert pytest_tool == str(noxfile.BIN / "pytest")
    assert python_tool == str(noxfile.BIN / "python")
    saved = next(a for a in pytest_args if a.startswith("--benchmark-json=")).split("=", 1)[1]
    assert saved.startswith("runs/bench/") and saved.endswith(".json")
    assert "benchmarks/micro" in pytest_args
    assert report_args == ["-m", "harness.bench_report", "compare", saved]


def test_bench_quick_runs_each_benchmark_once_without_comparing(noxfile: ModuleType) -> None:
    session = RecordingSession("--quick")
    noxfile.bench(session)
    ((tool, *args),) = session.runs
    assert tool == str(noxfile.BIN / "pytest")
    assert "--benchmark-disable" in args


def test_soak_long_runs_the_plateau_profile_under_memray_with_its_5_mb_goal(noxfile: ModuleType) -> None:
    session = RecordingSession("--time-scale", "0.1")
    noxfile.soak_long(session)
    ((tool, *args),) = session.runs
    assert tool == str(noxfile.BIN / "zen-harness")
    assert args == ["leaks", "soak-long", "--limit-mb", "5", "--time-scale", "0.1"]
