"""Routing across deployments end to end: zen-server as a process, a real MCP client, two fakes.

With ZEN_DEPLOYMENTS and ZEN_REGION=eu, gpt-5 is served by an eu deployment and a us one
(each its own fake, real sockets). The reply names the deployment and region that answered,
and the fakes' own counters show where the calls went: all to eu while it answers, all to
us once eu refuses connections, with no failed call.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from fakes.testing import FakeServer
from tests.e2e.conftest import Connect, chat_envelope

pytestmark = pytest.mark.e2e


@pytest.fixture
def us_fake() -> Iterator[FakeServer]:
    with FakeServer("openai", seed=3) as fake:
        yield fake


@pytest.fixture
def server_env(
    server_env: dict[str, str], fake: FakeServer, us_fake: FakeServer, tmp_path: Path
) -> dict[str, str]:
    deployments = tmp_path / "deployments.yaml"
    deployments.write_text(
        "deployments:\n"
        f"  - {{name: eu-1, kind: openai, base_url: '{fake.openai_base_url}', api_key_env: E2E_EU_KEY,"
        " region: eu, models: [gpt-5]}\n"
        f"  - {{name: us-1, kind: openai, base_url: '{us_fake.openai_base_url}', region: us,"
        " models: [gpt-5]}\n"
    )
    env = {k: v for k, v in server_env.items() if not k.startswith("OPENAI_")}
    return {**env, "ZEN_DEPLOYMENTS": str(deployments), "ZEN_REGION": "eu", "E2E_EU_KEY": "sk-e2e-eu-key"}


async def chat(client: Client, workdir: Path) -> dict[str, Any]:
    arguments = {"prompt": "route me", "model": "gpt-5", "working_directory_absolute_path": str(workdir)}
    return await chat_envelope(client, arguments)


@pytest.mark.parametrize("transport", ["stdio"], indirect=True)
async def test_the_local_region_answers_until_it_fails_then_the_other_region_does(
    connect: Connect, fake: FakeServer, us_fake: FakeServer, tmp_path: Path
) -> None:
    async with connect() as client:
        local = [await chat(client, tmp_path) for _ in range(3)]
        fake.control.set_default({"faults": [{"kind": "error", "status": 503}]})
        failed_over = [await chat(client, tmp_path) for _ in range(3)]
    assert [(e["metadata"]["deployment_used"], e["metadata"]["region_used"]) for e in local] == [
        ("eu-1", "eu")
    ] * 3
    assert [e["metadata"]["deployment_used"] for e in failed_over] == ["us-1"] * 3
    assert fake.control.stats().by_status.get("200") == 3
    assert us_fake.control.stats().requests == 3
