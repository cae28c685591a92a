"""``no_secrets`` on hand-made exposure: a planted key in any gathered source is red, and a
source it was told to scan but that was never gathered is red too."""

from __future__ import annotations

from pathlib import Path

from harness.chaos.exposure import read_files
from harness.chaos.hypotheses.secrets import NoSecrets
from harness.chaos.records import ProviderRequest, RunData

PHASES = {"before": (0.0, 2.0), "during": (2.0, 6.0), "after": (6.0, 10.0)}
KEY = "sk-zen-planted-0123456789"
CHECK = NoSecrets(type="no_secrets", secrets=[KEY])


def exposed(**texts: str) -> RunData:
    data = RunData(phases=dict(PHASES), end=10.0, provider_bodies_recorded=True)
    data.provider_requests = [ProviderRequest("openai", '{"messages": []}')]
    data.exposed = {"log": "", "audit": "", "ops:/metrics": "", "replies": "", **texts}
    return data


def test_clean_sources_pass_and_a_key_in_any_one_is_red() -> None:
    assert CHECK.evaluate(exposed()).passed
    for source in ("log", "audit", "ops:/metrics", "replies"):
        verdict = CHECK.evaluate(exposed(**{source: f"error: {KEY} rejected"}))
        assert not verdict.passed and verdict.figures["leaked"] == 1, source
    in_body = exposed()
    in_body.provider_requests.append(ProviderRequest("openai", f'{{"key": "{KEY}"}}'))
    assert not CHECK.evaluate(in_body).passed


def test_a_source_never_gathered_is_not_a_pass() -> None:
    data = exposed()
    del data.exposed["audit"]
    verdict = CHECK.evaluate(data)
    assert not verdict.passed and "audit" in verdict.detail


def test_the_audit_file_and_its_rotated_backups_are_read(tmp_path: Path) -> None:
    (tmp_path / "audit.jsonl").write_text("one\n")
    (tmp_path / "audit.jsonl.1").write_text(f"two {KEY}\n")
    log = tmp_path / "target.log"
    log.write_text("started\n")
    found = read_files(log, {"ZEN_AUDIT_LOG": "{workdir}/audit.jsonl"}, {"workdir": str(tmp_path)})
    assert found["log"] == "started\n" and KEY in found["audit"] and "one" in found["audit"]
    assert "audit" not in read_files(log, {}, {})
