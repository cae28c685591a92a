"""What `pip install zen-hardened` brings: everything the server imports, and none of the harness.

The runtime requirements are read from pyproject.toml and followed through the installed
distributions' own requirements (markers for extras left out), so "pulls in" means the
whole closure, not only the names listed.
"""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

import zen_server

REPO = Path(__file__).resolve().parents[1]
HARNESS_ONLY = {"locust", "gevent", "matplotlib", "memray", "respx", "rich"}


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert match is not None, requirement
    return normalized(match.group())


def pyproject() -> dict[str, object]:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def runtime_closure() -> set[str]:
    project = pyproject()["project"]
    assert isinstance(project, dict)
    todo = [requirement_name(r) for r in project["dependencies"]]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(normalized(requirement.name))
    return seen


def third_party_imports() -> set[str]:
    root = Path(zen_server.__file__).parent
    names: set[str] = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in {"zen_server", "__future__"}}


def test_the_server_runtime_pulls_in_none_of_the_harness() -> None:
    closure = runtime_closure()
    assert not closure & HARNESS_ONLY, f"the server's install pulls in {sorted(closure & HARNESS_ONLY)}"


def test_every_package_the_server_imports_comes_with_its_runtime_install() -> None:
    closure = runtime_closure()
    providers = metadata.packages_distributions()
    missing = {
        name: providers.get(name)
        for name in third_party_imports()
        if not {normalized(d) for d in providers.get(name, [])} & closure
    }
    assert not missing, f"zen_server imports these without a runtime requirement: {missing}"


def test_dev_installs_the_harness_extra() -> None:
    extras = pyproject()["project"]["optional-dependencies"]  # type: ignore[index]
    assert "zen-hardened[harness]" in extras["dev"]
    assert HARNESS_ONLY - {"gevent"} <= {requirement_name(r) for r in extras["harness"]}
