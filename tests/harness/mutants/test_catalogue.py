"""The seeded-defect catalogue stays applicable (every anchor occurs exactly once in the code
as it is), names only scenarios that exist, and is applied to a copy, never the tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.chaos.loader import LIBRARY
from harness.gates.spec import load_gates
from harness.mutants.catalogue import Defect, MutantError, copy_with_defect, load_catalogue, patched
from harness.mutants.runner import DefectOutcome, control_for, discount_false_alarms, rotation

ROOT = Path(__file__).resolve().parents[3]


def test_every_defect_still_applies_and_names_existing_scenarios() -> None:
    defects = load_catalogue()
    scenarios = {path.relative_to(LIBRARY).with_suffix("").as_posix() for path in LIBRARY.rglob("*.yaml")}
    gates = load_gates()
    for defect in defects:
        text = (ROOT / defect.file).read_text(encoding="utf-8")
        assert patched(defect, text) != text, defect.id
        for check in defect.checks:
            if check.startswith("gate:"):
                _, phase, measurement = check.split(":")
                assert measurement in {g.measure for g in gates.phase(phase).gates}, defect.id
            elif check.startswith("leaks:"):
                _, profile, limit = check.split(":")
                assert (LIBRARY.parent / "harness" / "load" / "profiles" / f"{profile}.yaml").is_file()
                assert float(limit) > 0
            else:
                assert check in scenarios, defect.id


def test_an_anchor_that_moved_is_a_clear_error() -> None:
    defect = Defect(id="x", promise="p", file="f.py", find="gone", replace="y", checks=["s"])
    with pytest.raises(MutantError, match=r"occurs 0 times in f\.py"):
        patched(defect, "nothing here")


def test_the_defect_lands_in_the_copy_only(tmp_path: Path) -> None:
    defect = load_catalogue()[0]
    before = (ROOT / defect.file).read_text(encoding="utf-8")
    copy = copy_with_defect(ROOT, defect, tmp_path)
    assert (copy / defect.file).read_text(encoding="utf-8") == patched(defect, before)
    assert (ROOT / defect.file).read_text(encoding="utf-8") == before


def test_rotation_reaches_every_defect_over_successive_days() -> None:
    defects = load_catalogue()
    seen = {d.id for day in range(len(defects)) for d in rotation(defects, 1, day=day)}
    assert seen == {d.id for d in defects}
    assert len(rotation(defects, 2, day=5)) == min(2, len(defects))


def test_a_defect_is_caught_only_when_a_check_went_red_without_a_harness_problem() -> None:
    assert DefectOutcome("d", "p", {"a": "PASS", "b": "INVALID"}).caught
    assert not DefectOutcome("d", "p", {"a": "PASS"}).caught
    assert not DefectOutcome("d", "p", {"a": "FAIL"}, problem="did not apply").caught


def test_a_check_red_on_the_clean_tree_catches_nothing() -> None:
    control = DefectOutcome("control", "none", {"leaks:p:512": "FAIL", "shared-thread": "PASS"})
    leak = DefectOutcome("leak", "p", {"leaks:p:512": "FAIL"})
    lost = DefectOutcome("lost", "p", {"shared-thread": "FAIL"})
    assert discount_false_alarms([leak, lost], control) == ["leaks:p:512"]
    assert not leak.caught and "red on clean code too" in leak.checks["leaks:p:512"]
    assert lost.caught


def test_the_control_runs_every_check_the_selected_defects_name_once() -> None:
    defects = load_catalogue()
    control = control_for(defects)
    assert control.id == "control" and len(control.checks) == len(set(control.checks))
    assert set(control.checks) == {check for d in defects for check in d.checks}


def test_skipped_defects_are_left_out_and_an_unknown_one_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from harness.cli import main

    assert main(["mutants", "--list", "--skip", "leak-per-call-large", "--skip", "leak-per-call-small"]) == 0
    listed = capsys.readouterr().out
    assert "retry-after-ignored:" in listed and "leak-per-call" not in listed
    assert main(["mutants", "--list", "--skip", "no-such-defect"]) == 3
    assert "unknown defect id(s): no-such-defect" in capsys.readouterr().out


def test_ci_leaves_out_known_blind_spots_and_long_entries(capsys: pytest.CaptureFixture[str]) -> None:
    from harness.cli import main

    defects = load_catalogue()
    left_out = {d.id for d in defects if d.escapes or not d.in_ci}
    assert "leak-per-call-small" in left_out and "retry-after-ignored" not in left_out
    assert main(["mutants", "--list", "--ci"]) == 0
    listed = capsys.readouterr().out
    kept = {line.split(":", 1)[0] for line in listed.splitlines()[1:]}
    assert kept == {d.id for d in defects} - left_out
    assert all(len(d.escapes) > 20 for d in defects if d.escapes)  # each says why, with its figure
