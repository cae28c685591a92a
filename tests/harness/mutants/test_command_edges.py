"""``zen-harness mutants`` argument handling and exit status, with the catalogue and the runs faked."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli import main
from harness.mutants import catalogue, runner
from harness.mutants.catalogue import Defect, MutantError
from harness.mutants.runner import DefectOutcome

DEFECTS = [
    Defect(
        id=name, promise=f"promise {name}", file="f.py", find="a", replace="b", checks=[f"s-{name}", "shared"]
    )
    for name in ("alpha", "beta", "gamma")
]


@pytest.fixture
def fake_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalogue, "load_catalogue", lambda: list(DEFECTS))


class FakeRuns:
    def __init__(self, statuses: dict[str, dict[str, str]], problems: dict[str, str] | None = None) -> None:
        self.statuses = statuses
        self.problems = problems or {}
        self.ran: list[str] = []
        self.jobs = 0
        self.time_scale = 0.0
        self.written: list[DefectOutcome] = []
        self.control: DefectOutcome | None = None

    def run_catalogue(
        self, defects: list[Defect], root: Path, reports: Path, *, jobs: int = 1, time_scale: float = 1.0
    ) -> list[DefectOutcome]:
        self.ran = [d.id for d in defects]
        self.jobs, self.time_scale = jobs, time_scale
        return [
            DefectOutcome(d.id, d.promise, dict(self.statuses[d.id]), problem=self.problems.get(d.id))
            for d in defects
        ]

    def write_matrix(
        self, outcomes: list[DefectOutcome], reports: Path, control: DefectOutcome | None
    ) -> None:
        self.written, self.control = outcomes, control


def _install(monkeypatch: pytest.MonkeyPatch, fake: FakeRuns) -> None:
    monkeypatch.setattr(runner, "run_catalogue", fake.run_catalogue)
    monkeypatch.setattr(runner, "write_matrix", fake.write_matrix)


def test_an_invalid_catalogue_exits_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> list[Defect]:
        raise MutantError("catalogue.yaml: bad")

    monkeypatch.setattr(catalogue, "load_catalogue", broken)
    assert main(["mutants", "--list"]) == 3
    assert "harness error: catalogue.yaml: bad" in capsys.readouterr().out


@pytest.mark.usefixtures("fake_catalogue")
def test_only_selects_and_an_unknown_only_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mutants", "--list", "--only", "beta"]) == 0
    out = capsys.readouterr().out
    assert out == "beta: promise beta -> s-beta, shared\n"
    assert main(["mutants", "--list", "--only", "beta", "--only", "nope", "--only", "zed"]) == 3
    assert "unknown defect id(s): nope, zed" in capsys.readouterr().out


@pytest.mark.usefixtures("fake_catalogue")
def test_skip_applies_after_only_so_a_skip_outside_the_selection_is_unknown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["mutants", "--list", "--only", "alpha", "--skip", "beta"]) == 3
    assert "unknown defect id(s): beta" in capsys.readouterr().out


@pytest.mark.usefixtures("fake_catalogue")
def test_rotate_lists_that_many(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mutants", "--list", "--rotate", "2"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


@pytest.mark.usefixtures("fake_catalogue")
def test_all_caught_with_a_green_control_exits_0(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fake = FakeRuns(
        {
            "control": {"s-alpha": "PASS", "shared": "PASS"},
            "alpha": {"s-alpha": "FAIL", "shared": "PASS"},
        }
    )
    _install(monkeypatch, fake)
    code = main(
        ["mutants", "--only", "alpha", "--jobs", "3", "--time-scale", "0.25", "--reports", str(tmp_path)]
    )
    assert code == 0
    assert fake.ran == ["control", "alpha"] and fake.jobs == 3 and fake.time_scale == 0.25
    assert fake.control is not None and fake.control.id == "control"
    assert [o.id for o in fake.written] == ["alpha"]
    out = capsys.readouterr().out
    assert "control (no defect): s-alpha: PASS, shared: PASS" in out
    assert "caught alpha: s-alpha: FAIL, shared: PASS" in out
    assert f"matrix in {tmp_path}/matrix.md" in out
    assert "red on the clean tree too" not in out


@pytest.mark.usefixtures("fake_catalogue")
def test_an_escape_or_a_problem_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fake = FakeRuns(
        {"alpha": {"s-alpha": "PASS", "shared": "PASS"}, "beta": {"s-beta": "not run", "shared": "not run"}},
        problems={"beta": "anchor gone"},
    )
    _install(monkeypatch, fake)
    assert main(["mutants", "--no-control", "--skip", "gamma", "--reports", str(tmp_path)]) == 1
    assert fake.ran == ["alpha", "beta"] and fake.control is None
    out = capsys.readouterr().out
    assert "ESCAPED alpha: s-alpha: PASS, shared: PASS\n" in out
    assert "ESCAPED beta: s-beta: not run, shared: not run (anchor gone)" in out
    assert "control (no defect)" not in out


@pytest.mark.usefixtures("fake_catalogue")
def test_a_check_red_on_the_clean_tree_fails_the_run_even_when_every_defect_is_caught(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fake = FakeRuns(
        {
            "control": {"s-alpha": "PASS", "shared": "FAIL"},
            "alpha": {"s-alpha": "FAIL", "shared": "FAIL"},
        }
    )
    _install(monkeypatch, fake)
    assert main(["mutants", "--only", "alpha", "--reports", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "caught alpha" in out
    assert "red on the clean tree too (their catches do not count): shared" in out
