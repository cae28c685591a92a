"""Each package's error tree, as drawn in its errors module's docstring, is the classes' tree.

The drawing is parsed (the name on each line and how deep it sits) and compared with a tree
rendered from the classes the module defines, in definition order; descriptions beside the
names stay hand-written. A class added, moved or removed without redrawing fails here.
"""

from __future__ import annotations

import importlib
import re
from types import ModuleType

import pytest

Tree = list[tuple[int, str]]
NAME = re.compile(r"[A-Z]\w*")
MODULES = [
    "zen_server.errors",
    "harness.errors",
    "harness.chaos.errors",
    "harness.load.errors",
    "harness.gates.errors",
    "harness.leaks.errors",
    "harness.fuzz.errors",
    "harness.launcher.errors",
    "harness.autoscale.errors",
    "fakes._errors",
]


def drawn_tree(doc: str) -> Tree:
    """(depth, name) for the root line and every ``├──``/``└──`` line below it."""
    lines = doc.splitlines()
    first = next(i for i, line in enumerate(lines) if "── " in line)
    root = NAME.search(lines[first - 1])
    assert root is not None, f"no root name above the tree: {lines[first - 1]!r}"
    tree: Tree = [(0, root.group())]
    for line in lines[first:]:
        if "── " not in line:
            break
        column = line.index("── ") + 3
        name = NAME.match(line, column)
        assert name is not None, f"no class name on {line!r}"
        tree.append(((column - root.start()) // 4, name.group()))
    return tree


def class_tree(module: ModuleType, root_name: str) -> Tree:
    defined = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, BaseException)
        and value.__module__ == module.__name__
    ]

    def below(parent: type, depth: int) -> Tree:
        out: Tree = []
        for cls in defined:
            if parent in cls.__bases__:
                out += [(depth, cls.__name__), *below(cls, depth + 1)]
        return out

    root = getattr(module, root_name)
    return [(0, root_name), *below(root, 1)]


@pytest.mark.parametrize("name", MODULES)
def test_the_drawn_error_tree_is_the_class_tree(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__doc__ is not None
    drawn = drawn_tree(module.__doc__)
    assert drawn == class_tree(module, drawn[0][1])


def test_the_parser_sees_depth_and_a_class_tree_sees_a_missing_leaf() -> None:
    doc = "A\n├── B   text\n│   └── C\n└── D\n"
    assert drawn_tree(doc) == [(0, "A"), (1, "B"), (2, "C"), (1, "D")]
    module = ModuleType("m")
    base = type("A", (Exception,), {"__module__": "m"})
    module.A = base  # type: ignore[attr-defined]
    module.B = type("B", (base,), {"__module__": "m"})  # type: ignore[attr-defined]
    assert class_tree(module, "A") == [(0, "A"), (1, "B")] != drawn_tree(doc)
