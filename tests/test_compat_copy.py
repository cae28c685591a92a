"""compat/upstream-tools.json is the repository's copy of the shared upstream interface facts.

Everything (tests, the phase2 gate) reads the copy so a clone works on its own; this test
keeps it equal to the steering copy in ../shared/compat/ wherever that exists, and under
CI=true, where it always should, a missing steering copy is a failure.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COPY = ROOT / "compat" / "upstream-tools.json"
STEERING = ROOT.parent / "shared" / "compat" / "upstream-tools.json"


def test_the_repository_copy_describes_the_upstream_tools() -> None:
    facts = json.loads(COPY.read_text())
    assert facts["server_version"] == "9.4.1"
    assert {"chat", "thinkdeep", "consensus", "codereview", "clink"} <= set(facts["tools"])


def test_the_repository_copy_equals_the_shared_one() -> None:
    if not STEERING.is_file():
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"CI=true but {STEERING} is missing: the copy cannot be checked")
        pytest.skip(f"{STEERING} is not here (a clone without the steering repo beside it)")
    assert json.loads(COPY.read_text()) == json.loads(STEERING.read_text())
