"""``zen-harness reference``: a complete, stamped run replaces the committed reference; a
partial, quick, dirty, foreign or incomplete one is refused and the reference is untouched."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main

STAMP = {
    "date": "2026-01-01T00:00:00+00:00",
    "commit": "0123456789abcdef0123456789abcdef01234567",
    "dirty": False,
    "machine": {"cores": 2, "memory_gb": 24.0, "os": "Linux 6", "python": "3.11.2"},
    "ci": True,
}
LIBRARY = {"alpha": "alpha.yaml", "beta": "beta.yaml"}


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository root with a two-scenario library and an existing reference."""
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    for name, file in LIBRARY.items():
        (scenarios / file).write_text(f"name: {name}\nhypotheses: [{{type: error_rate, max: 0}}]\n")
    old = tmp_path / "reports" / "chaos"
    old.mkdir(parents=True)
    (old / "summary.md").write_text("old summary\n")
    (old / "gone.md").write_text("a scenario that no longer exists\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def chaos_run(root: Path, names: list[str], *, scale: float = 1.0, **stamp: Any) -> Path:
    run = root / "runs" / "chaos"
    (run / "logs").mkdir(parents=True, exist_ok=True)
    rows = [{"name": n, "passed": True, "time_scale": scale} for n in names]
    summary = {"passed": True, "target": "zen_server", "stamp": {**STAMP, **stamp}, "scenarios": rows}
    (run / "summary.json").write_text(json.dumps(summary))
    (run / "summary.md").write_text("new summary\n")
    for name in names:
        (run / f"{name}.md").write_text(f"{name}\n")
        (run / f"{name}.png").write_bytes(b"png")
    (run / "logs" / "alpha.target.log").write_text("log\n")
    return run


def gate_run(root: Path, phase: str, verdict: str, target: str = "zen_server") -> Path:
    run = root / "runs" / phase
    run.mkdir(parents=True, exist_ok=True)
    results = {"phase": phase, "verdict": verdict, "target": target, "stamp": STAMP,
               "not_measured": {"burst": "skipped"} if verdict == "incomplete" else {}}  # fmt: skip
    (run / "results.json").write_text(json.dumps(results))
    (run / "report.md").write_text(f"{phase} {verdict}\n")
    (run / "coverage.json").write_text("{}")  # raw data: never published
    return run


def test_a_complete_chaos_run_replaces_the_reference_and_leaves_logs_behind(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chaos_run(tree, ["alpha", "beta"])
    assert main(["reference", "chaos"]) == 0
    published = sorted(p.name for p in (tree / "reports" / "chaos").iterdir())
    assert published == ["alpha.md", "alpha.png", "beta.md", "beta.png", "summary.json", "summary.md"]
    assert (tree / "reports" / "chaos" / "summary.md").read_text() == "new summary\n"
    assert json.loads((tree / "reports" / "chaos" / "summary.json").read_text())["stamp"] == STAMP
    assert "published chaos (green, commit 0123456789ab)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("names", "extra", "why"),
    [
        (["alpha"], {}, "ran 1 of the library's 2 scenarios (missing beta)"),
        (["alpha", "beta"], {"scale": 0.5}, "with a scaled timeline (--quick): run at full length"),
        (["alpha", "beta"], {"dirty": True}, "made with uncommitted changes at 0123456789ab"),
        (["alpha", "beta"], {"commit": "unknown"}, "is not stamped with a commit"),
    ],
)
def test_a_chaos_run_that_cannot_be_a_reference_is_refused(
    tree: Path, capsys: pytest.CaptureFixture[str], names: list[str], extra: dict[str, Any], why: str
) -> None:
    chaos_run(tree, names, **extra)
    assert main(["reference", "chaos"]) == 1
    assert why in capsys.readouterr().err
    assert (tree / "reports" / "chaos" / "summary.md").read_text() == "old summary\n"  # untouched
    assert (tree / "reports" / "chaos" / "gone.md").exists()


def test_gate_runs_publish_their_reports_but_not_raw_data(tree: Path) -> None:
    gate_run(tree, "coverage", "green")
    gate_run(tree, "phase2", "red")  # a red reference is still the truth
    assert main(["reference", "coverage", "phase2"]) == 0
    assert sorted(p.name for p in (tree / "reports" / "coverage").iterdir()) == ["report.md", "results.json"]
    assert (tree / "reports" / "phase2" / "report.md").read_text() == "phase2 red\n"


def test_an_incomplete_or_foreign_gate_run_is_refused(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gate_run(tree, "coverage", "incomplete")
    gate_run(tree, "phase1", "green", target="command: python other_server.py")
    assert main(["reference", "coverage", "phase1", "phase2"]) == 1
    err = capsys.readouterr().err
    assert "refused coverage: " in err and "coverage is incomplete (burst not measured)" in err
    assert "refused phase1: " in err and "measured command: python other_server.py, not zen_server" in err
    assert "refused phase2: no runs/phase2/results.json: run it first (e.g. nox -s phase2)" in err
    assert not (tree / "reports" / "coverage").exists()


def test_an_unknown_kind_is_a_usage_error(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reference", "chaoss"]) == 2
    known = "known: chaos, phase1, phase2, coverage, harness-truth"
    assert f"unknown kind chaoss; {known}" in capsys.readouterr().err


def mutants_run(root: Path, ids: list[str], *, control: bool = True) -> Path:
    run = root / "runs" / "mutants"
    run.mkdir(parents=True, exist_ok=True)
    matrix = {"passed": True, "stamp": STAMP, "control": {"id": "control"} if control else None,
              "defects": [{"id": i, "caught": True} for i in ids]}  # fmt: skip
    (run / "matrix.json").write_text(json.dumps(matrix))
    (run / "matrix.md").write_text("matrix\n")
    return run


def test_the_catch_matrix_is_published_only_whole_and_with_its_control(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from harness.mutants.catalogue import load_catalogue

    ids = [d.id for d in load_catalogue()]
    mutants_run(tree, ids[:2])
    assert main(["reference", "harness-truth"]) == 1
    assert "defects: run all" in capsys.readouterr().err
    mutants_run(tree, ids, control=False)
    assert main(["reference", "harness-truth"]) == 1
    assert "no control run" in capsys.readouterr().err
    mutants_run(tree, ids)
    assert main(["reference", "harness-truth"]) == 0
    assert (tree / "reports" / "harness-truth" / "matrix.md").read_text() == "matrix\n"
