"""challenge, listmodels and version: no model calls, useful content, upstream-shaped output."""

from __future__ import annotations

import json
import sys
from typing import Any

from zen_server.config import Settings
from zen_server.tools.challenge import ChallengeTool
from zen_server.tools.listmodels import ListModelsTool
from zen_server.tools.version import VersionTool


async def test_challenge_wraps_the_statement_without_calling_a_model(call_tool: Any, models: Any) -> None:
    result, recorded, output = await call_tool(ChallengeTool(), {"prompt": "Tabs beat spaces"})
    assert models.requests == [] and recorded is None and result.exchange is None
    assert output["status"] == "challenge_accepted"
    assert output["original_statement"] == "Tabs beat spaces"
    assert '"Tabs beat spaces"' in output["challenge_prompt"]
    assert "do not simply agree" in output["challenge_prompt"]
    assert output["instructions"]


async def test_listmodels_shows_configured_and_unconfigured_providers(call_tool: Any, models: Any) -> None:
    _, recorded, output = await call_tool(ListModelsTool(), {})
    text = output["content"]
    assert models.requests == [] and recorded is None
    assert "## OpenAI ✅" in text and "## X.AI (Grok) ❌" in text
    assert "not configured (set XAI_API_KEY)" in text
    assert "`gpt-5` (aliases: gpt5) - 400K context" in text
    assert "`gemini-2.5-flash` (aliases: flash) - 1M context" in text
    assert "`grok-4`" in text  # known even though xai is not configured
    assert output["metadata"]["configured_providers"] == 2
    assert output["metadata"]["available_models"] == 3


async def test_listmodels_marks_restricted_models(call_tool: Any, catalog: Any) -> None:
    catalog.blocked = {"tiny"}
    settings = Settings(google_allowed_models="gemini-2.5-flash")
    _, _, output = await call_tool(ListModelsTool(), {}, settings=settings)
    assert "**Restricted to**: gemini-2.5-flash" in output["content"]
    assert "`tiny` - 2K context - *blocked by restriction*" in output["content"]


async def test_version_reports_versions_runtime_and_providers(call_tool: Any, models: Any) -> None:
    _, recorded, output = await call_tool(VersionTool(), {})
    metadata = output["metadata"]
    assert models.requests == [] and recorded is None
    assert metadata["upstream_compat_version"] == "9.4.1"
    assert metadata["python_version"].startswith(f"{sys.version_info.major}.{sys.version_info.minor}")
    assert metadata["configured_providers"] == ["gemini", "openai"]
    assert metadata["model_selection_mode"] == "auto"
    assert "9.4.1" in output["content"] and "**OpenAI**: ✅ configured" in output["content"]
    json.dumps(output)  # the envelope is plain JSON
