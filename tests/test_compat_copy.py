"""compat/ holds the repository's copies of the shared upstream interface facts.

Two files: ``upstream-tools.json`` (Zen MCP Server 9.4.1) and ``pal-11.8.2-tools.json``
(PAL MCP Server 11.8.2). Everything (tests, the phase2 gate) reads the copies so a clone
works on its own; this test keeps each equal to the steering copy in ../shared/compat/
wherever that exists, and under CI=true, where it always should, a missing steering copy is
a failure. tests/zen_server/tools/test_compat_interfaces.py checks the server against both.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COPIES = {"9.4.1": "upstream-tools.json", "11.8.2": "pal-11.8.2-tools.json"}


@pytest.mark.parametrize(("version", "name"), COPIES.items())
def test_the_repository_copy_describes_its_upstream_version(version: str, name: str) -> None:
    facts = json.loads((ROOT / "compat" / name).read_text())
    assert facts["server_version"] == version
    assert {"chat", "thinkdeep", "consensus", "codereview", "clink"} <= set(facts["tools"])


def test_only_11_8_2_has_the_jules_tool() -> None:
    older, newer = (json.loads((ROOT / "compat" / name).read_text())["tools"] for name in COPIES.values())
    assert set(newer) - set(older) == {"jules"}


@pytest.mark.parametrize("name", COPIES.values())
def test_the_repository_copy_equals_the_shared_one(name: str) -> None:
    steering = ROOT.parent / "shared" / "compat" / name
    if not steering.is_file():
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"CI=true but {steering} is missing: the copy cannot be checked")
        pytest.skip(f"{steering} is not here (a clone without the steering repo beside it)")
    assert json.loads((ROOT / "compat" / name).read_text()) == json.loads(steering.read_text())
