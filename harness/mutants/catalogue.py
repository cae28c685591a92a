"""The seeded-defect catalogue: validated entries, and applying one to a copy of the tree."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from harness.errors import HarnessError

CATALOGUE = Path(__file__).with_name("catalogue.yaml")


class MutantError(HarnessError):
    """The catalogue is invalid, or a defect no longer applies to the code it names."""


class Defect(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    promise: str
    file: str
    find: str = Field(min_length=1)
    replace: str
    checks: list[str] = Field(min_length=1)
    missed_before: str = ""
    # A known blind spot: why the named checks do not (reliably) catch it yet, with the figure.
    escapes: str = ""
    # False for an entry too long for CI's daily pair (the whole catalogue still runs it).
    in_ci: bool = True

    @property
    def for_ci(self) -> bool:
        """CI's rotation runs what the harness is known to catch, within CI's time."""
        return self.in_ci and not self.escapes


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    defects: list[Defect] = Field(min_length=1)


def load_catalogue(path: Path = CATALOGUE) -> list[Defect]:
    try:
        catalogue = Catalogue.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise MutantError(f"{path}: {exc}") from exc
    ids = [d.id for d in catalogue.defects]
    if len(set(ids)) != len(ids):
        raise MutantError(f"{path}: defect ids must be unique")
    return catalogue.defects


def patched(defect: Defect, text: str) -> str:
    """``text`` with the defect applied; the anchor must occur exactly once."""
    found = text.count(defect.find)
    if found != 1:
        raise MutantError(
            f"defect {defect.id}: its anchor occurs {found} times in {defect.file} (expected once);"
            " update the catalogue to the code as it is now"
        )
    return text.replace(defect.find, defect.replace)


def source_files(root: Path) -> list[str]:
    """Tracked and untracked-but-not-ignored files: the tree as the developer sees it."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [name for name in listed.split("\0") if name and (root / name).is_file()]


def copy_tree(root: Path, into: Path) -> Path:
    for name in source_files(root):
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)
    return into


def copy_with_defect(root: Path, defect: Defect | None, into: Path) -> Path:
    """A copy of ``root``'s tree in ``into`` with ``defect`` applied (None: the control, as it
    is); the working tree is untouched."""
    copy_tree(root, into)
    if defect is None:
        return into
    victim = into / defect.file
    if not victim.is_file():
        raise MutantError(f"defect {defect.id}: {defect.file} does not exist")
    victim.write_text(patched(defect, victim.read_text(encoding="utf-8")), encoding="utf-8")
    return into
