"""compat/ holds the repository's copies of the shared upstream interface facts.

Two files: ``upstream-tools.json`` (Zen MCP Server 9.4.1) and ``pal-11.8.2-tools.json``
(PAL MCP Server 11.8.2). Everything (tests, the phase2 gate) reads the copies so a clone
works on its own; this test keeps each equal to the steering copy in ../shared/compat/
wherever that exists. A plain clone has no ../shared: the comparison is then skipped with
the reason, even under CI=true, since the in-repo copies are the ones the code reads and a
user running .ci/run from a clone has nothing to compare them with.
tests/zen_server/tools/test_compat_interfaces.py checks the server against both.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COPIES = {"9.4.1": "upstream-tools.json", "11.8.2": "pal-11.8.2-tools.json"}


def why_not_compared(steering: Path) -> str | None:
    """The reason a copy cannot be compared (no steering copy beside the clone), else None."""
    if steering.is_file():
        return None
    return f"{steering} is not here (a clone without the steering repo beside it): nothing to compare"


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
    reason = why_not_compared(steering)
    if reason is not None:
        pytest.skip(reason)
    assert json.loads((ROOT / "compat" / name).read_text()) == json.loads(steering.read_text())


def test_a_clone_without_the_steering_copy_is_skipped_even_under_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    reason = why_not_compared(tmp_path / "shared" / "compat" / "upstream-tools.json")
    assert reason is not None and "nothing to compare" in reason
    assert why_not_compared(ROOT / "compat" / "upstream-tools.json") is None
