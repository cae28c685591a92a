"""Every cell kind of the before/after tables."""

from __future__ import annotations

from typing import Any

from harness.baseline.tables import chaos_table, gates_table


def _row(table: str, name: str) -> list[str]:
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] == name:
            return cells
    raise AssertionError(f"{name} not in table")


def test_chaos_cells_cover_every_outcome() -> None:
    before: dict[str, Any] = {
        "scenarios": [
            {"name": "err", "errors": ["boom"]},
            {"name": "inv", "invalid": "no traffic"},
            {"name": "ok", "passed": True},
            {"name": "red", "passed": False, "failed": ["p99", "errors"]},
            {"name": "only-before", "passed": False, "failed": None},
        ],
        "not_applicable": [{"name": "na", "reason": "no proxy"}],
    }
    after: dict[str, Any] = {"scenarios": [{"name": "ok", "passed": True}, {"name": "new", "passed": True}]}
    table = chaos_table(before, after, "base", heading=False)
    assert not table.startswith("## ")
    assert _row(table, "err")[1:] == ["harness error", "not run"]
    assert _row(table, "inv")[1] == "**INVALID** (steady state failed): no traffic"
    assert _row(table, "ok")[1:] == ["PASS", "PASS"]
    assert _row(table, "red")[1] == "**FAIL**: p99, errors"
    assert _row(table, "only-before")[1] == "**FAIL**:"
    assert _row(table, "na")[1:] == ["not applicable: no proxy", "not run"]
    assert _row(table, "new")[1:] == ["not run", "PASS"]
    names = [line.split("|")[1].strip() for line in table.splitlines()[2:]]
    assert names[:2] == ["ok", "new"]  # zen_server's order first


def test_chaos_table_heading_and_empty_inputs() -> None:
    table = chaos_table({}, {}, "base")
    assert table.startswith("## Before/after")
    assert table.endswith("| --- | --- | --- |\n")


def test_gate_cells_cover_every_verdict() -> None:
    before: dict[str, Any] = {
        "gates": [
            {"metric": "p99", "verdict": "fail", "measured": 1.23456, "unit": "ms"},
            {"metric": "rss", "verdict": "not measured", "reason": "no psutil"},
            {"metric": "count", "verdict": "pass", "measured": 3},
            {"metric": "none", "verdict": "pass", "measured": None, "unit": "s"},
        ]
    }
    after: dict[str, Any] = {
        "gates": [
            {"metric": "p99", "target": "< 2", "verdict": "pass", "measured": 0.5, "unit": "ms"},
            {"metric": "rss", "target": "< 1", "verdict": "not measured"},
            {"metric": "count", "target": "3", "verdict": "pass", "measured": 3},
            {"metric": "none", "target": "x", "verdict": "fail", "measured": None},
            {"metric": "fresh", "target": "y", "verdict": "pass", "measured": 2.0, "unit": ""},
        ]
    }
    table = gates_table(before, after, "base")
    assert table.startswith("## Before/after: the same gates")
    assert _row(table, "p99")[1:] == ["< 2", "1.23 ms (**FAIL**)", "0.5 ms (pass)"]
    assert _row(table, "rss")[2:] == ["not measured: no psutil", "not measured:"]
    assert _row(table, "count")[2:] == ["3 (pass)", "3 (pass)"]
    assert _row(table, "none")[2:] == ["n/a (pass)", "n/a (**FAIL**)"]
    assert _row(table, "fresh")[2:] == ["not run", "2 (pass)"]
    assert not gates_table({}, {}, "b", heading=False).startswith("##")
