"""Tool arguments from the tools' own input schemas, aimed at the hostile corpus.

Each tool's schema comes from tools/list over the wire. ``from_schema`` turns the JSON
Schema subset tool schemas use (object, string with enum/minLength, integer and number
with bounds, boolean, array with items and bounds, required, additionalProperties) into a
hypothesis strategy; mostly valid values, now and then a wrong type or null, so validation
is fuzzed too. (hypothesis-jsonschema 0.23.1, the library made for this, fails on the
hypothesis this project uses: "'many' object has no attribute 'more'".) Path-carrying
fields are then often replaced by paths of the hostile corpus (secrets outside the root,
links out, FIFOs, huge files, /proc and /dev entries, traversal and control characters),
so the file policy is what is being fuzzed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hypothesis import strategies as st

PATH_FIELDS = frozenset(
    {"absolute_file_paths", "relevant_files", "images", "files_checked", "style_guide_examples",
     "path", "working_directory_absolute_path"}
)  # fmt: skip
FAMILIES = ("chat", "workflow", "consensus", "simple")


def family_of(name: str, schema: Mapping[str, Any]) -> str:
    """chat, consensus, workflow (tools driven step by step) or simple (everything else)."""
    if name in {"chat", "consensus"}:
        return name
    return "workflow" if "step_number" in schema.get("properties", {}) else "simple"


_KEEP = object()  # "leave the generated value" in a swap
# Models the fake provider serves: a random name would stop every call at "unknown model".
MODEL_NAMES = ("gpt-5", "gpt-5-mini", "o3", "gpt-4.1", "o4-mini", "auto")
_ANY_JSON = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)


def from_schema(schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """Values for ``schema``: nearly always valid, now and then any JSON scalar (most calls get deep)."""
    if not schema:
        return _ANY_JSON
    # Hypothesis leans to boundary draws (0, 99): the wrong scalar sits in the middle, so it stays rare.
    return st.integers(0, 99).flatmap(lambda n: _ANY_JSON if n == 50 else _valid(schema))


def _valid(schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    if "enum" in schema:
        return st.sampled_from(list(schema["enum"]))
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([_valid({**schema, "type": k}) for k in kind])
    if kind == "string":
        return st.text(min_size=schema.get("minLength", 0), max_size=min(schema.get("maxLength", 200), 200))
    if kind == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum"))
    if kind == "number":
        return st.floats(schema.get("minimum"), schema.get("maximum"), allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        items = from_schema(schema.get("items", {}))
        return st.lists(items, min_size=schema.get("minItems", 0), max_size=min(schema.get("maxItems", 5), 5))
    if kind == "object":
        properties: Mapping[str, Any] = schema.get("properties", {})
        required = [n for n in schema.get("required", []) if n in properties]
        return st.fixed_dictionaries(
            {n: _field(n, properties[n]) for n in required},
            optional={n: _field(n, spec) for n, spec in properties.items() if n not in required},
        )
    return _ANY_JSON


def _field(name: str, spec: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    if name == "model" and spec.get("type") == "string":
        return st.integers(0, 19).flatmap(
            lambda n: from_schema(spec) if n == 0 else st.sampled_from(MODEL_NAMES)
        )
    return from_schema(spec)


def _hostile_value(spec: Mapping[str, Any], paths: Sequence[str]) -> st.SearchStrategy[Any]:
    one = st.sampled_from(list(paths))
    if spec.get("type") == "array":
        return st.lists(one, min_size=1, max_size=4)
    return one


def argument_strategy(
    schema: Mapping[str, Any], paths: Sequence[str], project: str
) -> st.SearchStrategy[dict[str, Any]]:
    """Schema-valid arguments, with path fields often swapped for hostile paths.

    A directory field (the working directory, precommit's repository) is the corpus project
    half the time, so the call goes on to read the other, hostile, paths.
    """
    properties: Mapping[str, Any] = schema.get("properties", {})
    hostile = {name: _hostile_value(spec, paths) for name, spec in properties.items() if name in PATH_FIELDS}
    for name in ("working_directory_absolute_path", "path"):
        if name in hostile:
            hostile[name] = st.just(project) | hostile[name]
    # Hostile first: Hypothesis's simplest draws then aim at the corpus, not at nothing.
    # (An image must pass more checks than a file, so hostile images would stop most calls early.)
    swaps = st.fixed_dictionaries(
        {name: (st.just(_KEEP) | value) if name == "images" else (value | st.just(_KEEP))
         for name, value in hostile.items()}
    )  # fmt: skip
    base = _valid(schema)

    def merge(pair: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
        generated, swapped = pair
        return {**generated, **{k: v for k, v in swapped.items() if v is not _KEEP}}

    return st.tuples(base, swaps).map(merge)


__all__ = ["FAMILIES", "PATH_FIELDS", "argument_strategy", "family_of", "from_schema"]
