"""Edge paths of ``zen-harness baseline``: list, show, --if-missing, install errors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from harness.baseline import command, install, registry
from harness.baseline.registry import Baseline
from harness.errors import HarnessError


def _baseline(name: str = "up", requirements: list[str] | None = None) -> Baseline:
    return Baseline(
        name=name,
        requirements=requirements or ["pal-mcp-server==1.0"],
        command=["pal-mcp"],
        transport="stdio",
        distribution="pal-mcp-server",
        versions={"pal-mcp-server": "1.0"},
    )


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    command.configure(parser)
    return parser.parse_args(list(argv))


def test_list_prints_one_line_per_baseline(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(registry, "installed", lambda: [_baseline("a"), _baseline("b", ["x", "y"])])
    assert command.run(_args("list")) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[:2] for line in lines] == [["a", "pal-mcp-server==1.0"], ["b", "x y"]]


def test_show_prints_the_record_as_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(registry, "load", lambda name: _baseline(name))
    assert command.run(_args("show", "up")) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "up"


def test_show_of_unknown_baseline_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def missing(name: str) -> Baseline:
        raise HarnessError(f"no baseline {name}")

    monkeypatch.setattr(registry, "load", missing)
    assert command.run(_args("show", "nope")) == 2
    assert "no baseline nope" in capsys.readouterr().err


def test_if_missing_keeps_same_requirements(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(registry, "load", lambda name: _baseline(name))

    def no_install(*a: object, **k: object) -> Baseline:
        raise AssertionError("must not reinstall")

    monkeypatch.setattr(install, "install", no_install)
    assert command.run(_args("install", "up", "pal-mcp-server==1.0", "--if-missing")) == 0
    assert "already installed" in capsys.readouterr().out


@pytest.mark.parametrize("loaded", ["missing", "different"])
def test_if_missing_rebuilds_when_absent_or_changed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], loaded: str
) -> None:
    def load(name: str) -> Baseline:
        if loaded == "missing":
            raise HarnessError("absent")
        return _baseline(name, ["other==2"])

    calls: list[tuple[str, list[str], str | None]] = []

    def fake_install(name: str, requirements: list[str], *, script: str | None = None) -> Baseline:
        calls.append((name, list(requirements), script))
        return _baseline(name, list(requirements))

    monkeypatch.setattr(registry, "load", load)
    monkeypatch.setattr(install, "install", fake_install)
    argv = ("install", "up", "pal-mcp-server==1.0", "--if-missing", "--script", "pal")
    assert command.run(_args(*argv)) == 0
    assert calls == [("up", ["pal-mcp-server==1.0"], "pal")]
    assert "runs as: pal-mcp" in capsys.readouterr().out


def test_install_failure_exits_2_with_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def broken(name: str, requirements: list[str], *, script: str | None = None) -> Baseline:
        raise HarnessError("pip failed: tail of log")

    monkeypatch.setattr(install, "install", broken)
    assert command.run(_args("install", "up", "nope==0")) == 2
    assert "pip failed: tail of log" in capsys.readouterr().err
