"""A network bind needs a token worth the name: at least 32 characters, and a warning when repetitive.

Regression test of issue 12: a one-character ZEN_AUTH_TOKEN was accepted for 0.0.0.0.
"""

from __future__ import annotations

import logging
import secrets

import pytest

from zen_server.config import load_settings
from zen_server.errors import ConfigurationError
from zen_server.mcp.http import check_bind


@pytest.mark.parametrize("token", ["x", "hunter2", "a" * 31])
def test_a_short_token_refuses_a_network_bind_naming_the_fix(token: str) -> None:
    with pytest.raises(ConfigurationError, match=r"ZEN_AUTH_TOKEN is \d+ characters.*at least 32") as caught:
        check_bind("0.0.0.0", load_settings(zen_auth_token=token))
    assert "secrets.token_urlsafe" in str(caught.value)
    assert token not in str(caught.value) or len(token) < 2, "the message must not echo the token"


def test_a_short_token_is_fine_on_loopback() -> None:
    check_bind("127.0.0.1", load_settings(zen_auth_token="x"))


def test_a_long_repetitive_token_starts_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        check_bind("0.0.0.0", load_settings(zen_auth_token="ab" * 20))
    assert "ZEN_AUTH_TOKEN looks guessable" in caplog.text
    assert "ab" * 20 not in caplog.text


def test_a_random_token_starts_quietly(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        check_bind("0.0.0.0", load_settings(zen_auth_token=secrets.token_urlsafe(32)))
        check_bind("::", load_settings(zen_auth_token=secrets.token_hex(16)))
    assert caplog.text == ""
