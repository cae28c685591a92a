"""``zen-harness compare``'s control flow, with the chaos run and the gates faked."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

import harness.baseline.page as page_mod
import harness.chaos.baseline as chaos_baseline
import harness.chaos.cli as chaos_cli
import harness.gates.command as gates_command
import harness.stamp as stamp_mod
from harness.baseline import compare
from harness.cli import Subcommand
from harness.errors import HarnessError


class _Label:
    label = "baseline:up (pal 1.0)"


def _args(tmp_path: Path, *extra: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    compare.configure(parser)
    return parser.parse_args(["baseline:up", "--reports", str(tmp_path / "out"), *extra])


def _fake(
    monkeypatch: pytest.MonkeyPatch, chaos_code: int, gate_codes: list[int]
) -> tuple[list[list[str]], list[list[str]]]:
    chaos_calls: list[list[str]] = []
    gate_calls: list[list[str]] = []
    codes = iter(gate_codes)

    def chaos_main(argv: list[str]) -> int:
        chaos_calls.append(list(argv))
        return chaos_code

    def configure(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("rest", nargs=argparse.REMAINDER)

    def run(ns: argparse.Namespace) -> int:
        gate_calls.append(list(ns.rest))
        return next(codes)

    monkeypatch.setattr(chaos_baseline, "resolve", lambda target: _Label())
    monkeypatch.setattr(chaos_cli, "main", chaos_main)
    monkeypatch.setattr(gates_command, "SUBCOMMAND", Subcommand("gate", "h", configure, run))
    monkeypatch.setattr(stamp_mod, "stamp", lambda root: {"commit": "abc"})

    def page(out: Path, label: str, commands: dict[str, str], made: dict[str, Any]) -> str:
        return f"{label}|{commands['chaos']}|{made['commit']}"

    monkeypatch.setattr(page_mod, "page", page)
    return chaos_calls, gate_calls


def test_unresolvable_baseline_exits_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def resolve(target: str) -> Any:
        raise HarnessError("baseline:up is not installed")

    monkeypatch.setattr(chaos_baseline, "resolve", resolve)
    assert compare.run(_args(tmp_path)) == 2
    assert "not installed" in capsys.readouterr().err


@pytest.mark.parametrize("chaos_code", [2, 3])
def test_chaos_harness_failure_stops_before_gates(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, chaos_code: int
) -> None:
    _, gate_calls = _fake(monkeypatch, chaos_code, [])
    assert compare.run(_args(tmp_path)) == 2
    assert gate_calls == []
    assert not (tmp_path / "out" / "README.md").exists()


def test_short_run_arguments_page_and_publish(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    chaos_calls, gate_calls = _fake(monkeypatch, 0, [0, 3])
    (tmp_path / "out").mkdir()
    publish = tmp_path / "pub" / "nested"
    assert compare.run(_args(tmp_path, "--short", "--publish", str(publish))) == 0
    assert chaos_calls[0][:2] == list(compare.SHORT_SCENARIOS)
    assert "--quick" in chaos_calls[0] and "--no-plots" in chaos_calls[0]
    assert [f"--skip={n}" for n in compare.SHORT_SKIPS] == gate_calls[0][-3:]
    assert gate_calls[1][0] == "phase2" and "--skip=suite" in gate_calls[1]
    text = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert text.startswith("baseline:up (pal 1.0)|zen-harness run scenarios/latency-spike.yaml")
    assert (publish / "README.md").read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("chaos_code", "gates", "expected"), [(1, [0, 3], 1), (0, [1, 3], 1), (1, [2, 0], 2)]
)
def test_exit_status_combines_codes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, chaos_code: int, gates: list[int], expected: int
) -> None:
    chaos_calls, gate_calls = _fake(monkeypatch, chaos_code, gates)
    (tmp_path / "out").mkdir()
    assert compare.run(_args(tmp_path)) == expected
    assert chaos_calls[0][0] == "scenarios/" and "--quick" not in chaos_calls[0]
    assert not any(a.startswith("--skip=soak") for a in gate_calls[0])
