"""Catalogue loading errors and applying a defect to a copy, on small throwaway git trees."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness.mutants.catalogue import (
    Defect,
    MutantError,
    copy_tree,
    copy_with_defect,
    load_catalogue,
    patched,
)

ENTRY = "  - {id: %s, promise: p, file: f.py, find: a, replace: b, checks: [s]}\n"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_catalogue_is_a_mutant_error(tmp_path: Path) -> None:
    with pytest.raises(MutantError, match=r"missing\.yaml"):
        load_catalogue(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "defects: []\n",  # at least one defect
        "defects:\n  - {id: x, promise: p, file: f, find: a, replace: b, checks: [s], extra: 1}\n",
        "defects:\n  - {id: Bad_Id, promise: p, file: f, find: a, replace: b, checks: [s]}\n",
        "defects:\n  - {id: x, promise: p, file: f, find: '', replace: b, checks: [s]}\n",
        "defects:\n  - {id: x, promise: p, file: f, find: a, replace: b, checks: []}\n",
        "defects: [\n",  # not YAML
    ],
)
def test_an_invalid_catalogue_is_a_mutant_error(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path / "catalogue.yaml", text)
    with pytest.raises(MutantError, match=r"catalogue\.yaml"):
        load_catalogue(path)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "catalogue.yaml", "defects:\n" + ENTRY % "x" + ENTRY % "x")
    with pytest.raises(MutantError, match="unique"):
        load_catalogue(path)


def test_a_valid_catalogue_loads_in_order(tmp_path: Path) -> None:
    path = _write(tmp_path / "catalogue.yaml", "defects:\n" + ENTRY % "one" + ENTRY % "two")
    assert [d.id for d in load_catalogue(path)] == ["one", "two"]


def test_an_anchor_found_twice_is_refused() -> None:
    defect = Defect(id="x", promise="p", file="f.py", find="a", replace="b", checks=["s"])
    with pytest.raises(MutantError, match="occurs 2 times"):
        patched(defect, "a a")
    assert patched(defect, "xay") == "xby"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    _write(root / ".gitignore", "ignored.txt\n")
    _write(root / "pkg" / "mod.py", "VALUE = 1\n")
    _write(root / "tracked.txt", "t\n")
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    _write(root / "untracked.py", "u\n")
    _write(root / "ignored.txt", "i\n")
    return root


def test_the_copy_holds_tracked_and_untracked_files_but_not_ignored_ones(repo: Path, tmp_path: Path) -> None:
    (repo / "tracked.txt").unlink()  # listed by git, gone from disk: skipped
    into = copy_tree(repo, tmp_path / "copy")
    copied = sorted(str(p.relative_to(into)) for p in into.rglob("*") if p.is_file())
    assert copied == [".gitignore", "pkg/mod.py", "untracked.py"]


def test_the_control_copy_is_unchanged(repo: Path, tmp_path: Path) -> None:
    into = copy_with_defect(repo, None, tmp_path / "copy")
    assert (into / "pkg" / "mod.py").read_text(encoding="utf-8") == "VALUE = 1\n"


def test_a_defect_lands_in_the_copy_only(repo: Path, tmp_path: Path) -> None:
    defect = Defect(id="x", promise="p", file="pkg/mod.py", find="1", replace="2", checks=["s"])
    into = copy_with_defect(repo, defect, tmp_path / "copy")
    assert (into / "pkg" / "mod.py").read_text(encoding="utf-8") == "VALUE = 2\n"
    assert (repo / "pkg" / "mod.py").read_text(encoding="utf-8") == "VALUE = 1\n"


def test_a_defect_naming_a_missing_file_is_refused(repo: Path, tmp_path: Path) -> None:
    defect = Defect(id="x", promise="p", file="pkg/gone.py", find="1", replace="2", checks=["s"])
    with pytest.raises(MutantError, match=r"pkg/gone\.py does not exist"):
        copy_with_defect(repo, defect, tmp_path / "copy")


def test_outside_a_git_tree_the_copy_fails_loudly(tmp_path: Path) -> None:
    with pytest.raises(subprocess.CalledProcessError):
        copy_tree(tmp_path, tmp_path / "copy")
