"""The HAProxy config: what the template promises, HAProxy accepts it, deploy/ is it rendered.

To regenerate deploy/haproxy.cfg after editing the template:

    from harness.cluster.haproxy import render_config
    Path("deploy/haproxy.cfg").write_text(render_config(**DEPLOY_EXAMPLE))
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness.cluster.haproxy import Backend, haproxy_executable, render_config
from harness.errors import ClusterToolMissing
from tests.conftest import running_under_ci

ROOT = Path(__file__).resolve().parents[3]
DEPLOY_EXAMPLE: dict[str, object] = {
    "bind": "127.0.0.1:8080",
    "servers": [Backend(f"zen{i}", "127.0.0.1", 8080 + i) for i in (1, 2, 3)],
    "stats_socket": "/run/haproxy/zen-admin.sock",
    "check_interval_ms": 1000,
}


def rendered() -> str:
    return render_config(
        bind="127.0.0.1:9000",
        servers=[Backend("zen1", "127.0.0.1", 9001), Backend("zen2", "127.0.0.1", 9002)],
        stats_socket="/tmp/zen-test.sock",
        check_interval_ms=250,
    )


def test_health_checks_ask_ready_with_a_host_header() -> None:
    text = rendered()
    assert "http-check send meth GET uri /ready ver HTTP/1.1 hdr Host localhost" in text
    assert "http-check expect status 200" in text
    assert "inter 250ms" in text


def test_sessions_stick_on_the_mcp_session_id() -> None:
    text = rendered()
    assert "stick on req.hdr(mcp-session-id)" in text
    assert "stick store-response res.hdr(mcp-session-id)" in text


def test_refused_or_unreachable_requests_are_retried_elsewhere() -> None:
    text = rendered()
    assert "retry-on conn-failure empty-response 503" in text
    assert "option redispatch 1" in text


def test_every_instance_is_checked_and_backs_itself_up_unchecked() -> None:
    lines = [line.strip() for line in rendered().splitlines() if line.strip().startswith("server ")]
    assert lines == [
        "server zen1 127.0.0.1:9001 check",
        "server zen2 127.0.0.1:9002 check",
        "server zen1-failopen 127.0.0.1:9001 backup",
        "server zen2-failopen 127.0.0.1:9002 backup",
    ]


def test_the_deploy_example_is_the_template_rendered() -> None:
    example = (ROOT / "deploy" / "haproxy.cfg").read_text()
    assert example == render_config(**DEPLOY_EXAMPLE)  # type: ignore[arg-type]


def test_haproxy_itself_accepts_the_config(tmp_path: Path) -> None:
    try:
        executable = haproxy_executable()
    except ClusterToolMissing as exc:
        if running_under_ci():
            pytest.fail(f"CI=true and {exc}")
        pytest.skip(str(exc))
    config = tmp_path / "haproxy.cfg"
    config.write_text(
        render_config(
            bind="127.0.0.1:9",
            servers=[Backend("zen1", "127.0.0.1", 9)],
            stats_socket=str(tmp_path / "s.sock"),
        )
    )
    # -c parses and checks only: nothing is bound, so the port never has to be free.
    check = subprocess.run([executable, "-c", "-f", str(config)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
