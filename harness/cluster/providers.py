"""How a harness-run cluster reaches its fake provider: one OpenAI-compatible fake as the custom
provider, serving one model. ``zen-harness cluster up`` and the load's cluster target share it,
so a load profile written for one also works against the other (``zen-harness load --url``)."""

from __future__ import annotations

FAKE_MODEL = "llama3.2"


def fake_custom_provider(openai_base_url: str) -> dict[str, str]:
    """The variables pointing each instance at the fake (pass them through ``server_environment``)."""
    return {"CUSTOM_API_URL": openai_base_url, "CUSTOM_API_KEY": "fake", "CUSTOM_MODEL_NAME": FAKE_MODEL}
