"""The zen-fakes command line: argument errors, and a real process serving two providers."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from fakes.cli import main
from fakes.testing import FakeProviderProcess


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["serve", "--provider", "openai", "--port", "1", "--port", "2"], "one --port per --provider"),
        (["serve", "--provider", "openai", "--port", "99999"], "between 0 and 65535"),
        (["serve", "--provider", "claude", "--port", "1"], "invalid choice"),
        (
            ["serve", "--provider", "openai", "--provider", "gemini", "--port", "5", "--port", "5"],
            "its own port",
        ),
        (["check", "--behaviour", "/nonexistent/b.yaml"], "cannot read"),
    ],
)
def test_bad_arguments_exit_2_saying_why(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2 and message in capsys.readouterr().err


def test_check_accepts_a_valid_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("providers: {openai: {default: {latency: {fixed_ms: 1}}}}")
    assert main(["check", "--behaviour", str(path)]) == 0
    assert "is valid (openai)" in capsys.readouterr().out


@pytest.mark.e2e
def test_subprocess_serves_with_the_behaviour_file(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_text(
        "seed: 11\nproviders:\n  openai:\n    models:\n      o3: {faults: [{kind: error, status: 502}]}\n"
    )
    with FakeProviderProcess("openai", behaviour_file=path, seed=4) as fake:
        assert fake.control.health()["seed"] == 4  # --seed beats the file's seed
        url = f"{fake.openai_base_url}/chat/completions"
        body = {"model": "o3", "messages": [{"role": "user", "content": "x"}]}
        assert httpx.post(url, json=body, timeout=5).status_code == 502
        process = fake.process
    assert process is not None and process.returncode == 0  # SIGTERM is a clean stop
