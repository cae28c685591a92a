"""Fixtures for the fakes' own tests: running fakes and the official SDK clients pointed at them."""

from __future__ import annotations

from collections.abc import Iterator

import openai
import pytest
from google import genai
from google.genai import types

from fakes.pytest_plugin import fake_gemini, fake_jules, fake_openai, fake_respx
from fakes.testing import FakeServer

# Re-exported fixtures for pytest to find.
__all__ = ["fake_gemini", "fake_jules", "fake_openai", "fake_respx"]

SDK_TIMEOUT_S = 2.0


@pytest.fixture
def openai_client(fake_openai: FakeServer) -> Iterator[openai.OpenAI]:
    """The official OpenAI SDK against the fake, without its own retries (we count attempts)."""
    client = openai.OpenAI(
        base_url=fake_openai.openai_base_url, api_key="sk-fake", max_retries=0, timeout=SDK_TIMEOUT_S
    )
    yield client
    client.close()


@pytest.fixture
def gemini_client(fake_gemini: FakeServer) -> Iterator[genai.Client]:
    """The official google-genai SDK against the fake (it does not retry by default)."""
    options = types.HttpOptions(
        base_url=fake_gemini.base_url, api_version="v1beta", timeout=int(SDK_TIMEOUT_S * 1000)
    )
    client = genai.Client(api_key="fake-key", http_options=options)
    yield client
    client.close()
