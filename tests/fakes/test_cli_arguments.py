"""zen-fakes argument parsing: a --port that is not a number."""

from __future__ import annotations

import pytest

from fakes.cli import main


def test_non_numeric_port_exits_2_saying_why(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["serve", "--provider", "openai", "--port", "eighty"])
    assert caught.value.code == 2
    assert "port must be a whole number, got 'eighty'" in capsys.readouterr().err
