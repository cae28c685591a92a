"""``zen-harness gate PHASE`` end to end in-process: exit codes, console verdict, report files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from harness.cli import main


def write_gates(path: Path, *, limit: float, measurements: dict[str, object] | None = None) -> Path:
    data = {
        "measurements": measurements
        or {"lines": {"kind": "file_lines", "path": "pkg/server.py", "package": "pkg"}},
        "phases": {
            "p": {
                "title": "tiny phase",
                "gates": [
                    {"name": "server lines", "measure": "lines", "value": "lines", "op": "<", "target": limit}
                ],
            }
        },
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tiny repository root (the command measures relative to the current directory)."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "server.py").write_text("a = 1\nb = 2\nc = 3\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_gate_command_is_green_exit_0_when_every_gate_passes(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gates = write_gates(repo / "gates.yaml", limit=10)
    code = main(["gate", "p", "--gates", str(gates), "--reports", str(repo / "out")])
    out = capsys.readouterr().out
    assert code == 0
    assert "GREEN" in out
    assert "server lines" in out
    results = json.loads((repo / "out" / "p" / "results.json").read_text())
    assert results["verdict"] == "green"
    assert results["gates"][0]["measured"] == 3
    assert f"report: {repo / 'out' / 'p' / 'report.md'}" in out


def test_gate_command_is_red_exit_1_when_a_gate_fails(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gates = write_gates(repo / "gates.yaml", limit=2)
    code = main(["gate", "p", "--gates", str(gates), "--reports", str(repo / "out")])
    assert code == 1
    assert "RED" in capsys.readouterr().out
    md = (repo / "out" / "p" / "report.md").read_text()
    assert "**FAIL**" in md


def test_skipped_measurement_is_incomplete_exit_3_and_listed_as_not_measured(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gates = write_gates(repo / "gates.yaml", limit=10)
    code = main(["gate", "p", "--gates", str(gates), "--reports", str(repo / "out"), "--skip", "lines"])
    out = capsys.readouterr().out
    assert code == 3
    assert "INCOMPLETE" in out
    assert "not measured lines: skipped on request (--skip)" in out
    md = (repo / "out" / "p" / "report.md").read_text()
    assert "## Not measured" in md
    assert "- `lines`: skipped on request (--skip)" in md
    # A gate without a figure shows n/a, never a number.
    assert "| server lines | < 10 | n/a | *not measured* |" in md


def test_a_missing_measured_file_is_not_measured_never_green(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gates = write_gates(
        repo / "gates.yaml", limit=10, measurements={"lines": {"kind": "file_lines", "path": "nope.py"}}
    )
    code = main(["gate", "p", "--gates", str(gates), "--reports", str(repo / "out")])
    assert code == 3
    results = json.loads((repo / "out" / "p" / "results.json").read_text())
    assert "nope.py does not exist" in results["not_measured"]["lines"]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "gates.yaml"),
        ("no_kind", "measurement 'lines' has no kind"),
        ("bad_phase", "no phase 'p'"),
    ],
)
def test_gate_command_exits_2_when_the_gates_cannot_be_evaluated(
    repo: Path, capsys: pytest.CaptureFixture[str], setup: str, message: str
) -> None:
    path = repo / "gates.yaml"
    if setup == "no_kind":
        write_gates(path, limit=10, measurements={"lines": {"path": "x.py"}})
    elif setup == "bad_phase":
        path.write_text(
            yaml.safe_dump(
                {
                    "measurements": {"lines": {"kind": "file_lines"}},
                    "phases": {
                        "other": {
                            "title": "t",
                            "gates": [
                                {"name": "n", "measure": "lines", "value": "lines", "op": "<", "target": 1}
                            ],
                        }
                    },
                }
            ),
            encoding="utf-8",
        )
    code = main(["gate", "p", "--gates", str(path), "--reports", str(repo / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("zen-harness gate: ")
    assert message in err
    assert not (repo / "out" / "p" / "report.md").exists()
