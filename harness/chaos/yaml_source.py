"""YAML loading that remembers where each value came from.

``load_yaml(text)`` returns the data (safe loader) and a ``LineMap``: for every path into
the data (mapping keys and sequence indexes) the 1-based line where it is written, so a
validation error can say ``file:line: field.path: message``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


@dataclass
class LineMap:
    """1-based source lines keyed by data path; lookups fall back to the nearest parent."""

    lines: dict[Path_, int] = field(default_factory=dict)

    def line_for(self, path: Sequence[str | int]) -> int | None:
        probe = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), None)


def _walk(node: yaml.Node, path: Path_, out: dict[Path_, int]) -> None:
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else repr(key_node)
            out[(*path, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            out[(*path, index)] = item.start_mark.line + 1
            _walk(item, (*path, index), out)


def load_yaml(text: str) -> tuple[Any, LineMap]:
    """Parse one YAML document; raises ``yaml.YAMLError`` (with its own mark) when malformed."""
    data = yaml.safe_load(text)
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: dict[Path_, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return data, LineMap(lines)
