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
