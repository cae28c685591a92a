"""Paths a hostile (prompt-injected) client sends: refused, without reading, blocking or leaking.

Every case here is a regression test of issue 12: on the code before the file-access
policy each of them either sent a secret to the model, grew memory without bound, blocked
a worker thread forever, or crashed the call. They drive the real tools (chat and a
workflow tool) with a recording model caller, so "refused" means the model saw nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from zen_server.config import Settings
from zen_server.errors import FileAccessError
from zen_server.tools.analyze import AnalyzeTool
from zen_server.tools.chat import ChatTool

CHAT = ChatTool()
# Liveness guard only: a refused FIFO answers at once; before the fix the read never returned.
HANG_GUARD_S = 30.0


def chat_args(project: Path, **extra: Any) -> dict[str, Any]:
    return {"prompt": "review", "working_directory_absolute_path": str(project), "model": "gpt5", **extra}


def analyze_args(**extra: Any) -> dict[str, Any]:
    return {
        "step": "look", "step_number": 1, "total_steps": 1, "next_step_required": False,
        "findings": "f", "model": "gpt5", **extra,
    }  # fmt: skip


@contextlib.contextmanager
def fifo_at(path: Path) -> Iterator[Path]:
    """A FIFO with no writer; on exit it is opened for writing once, so a blocked reader ends."""
    os.mkfifo(path)
    try:
        yield path
    finally:
        with contextlib.suppress(OSError):  # ENXIO: nobody is blocked reading it, as it should be
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


async def refused(call: Any, match: str) -> str:
    with pytest.raises(FileAccessError, match=match) as caught:
        await asyncio.wait_for(call, HANG_GUARD_S)
    return str(caught.value)


# --- images --------------------------------------------------------------------------------


async def test_the_process_environment_is_refused_as_an_image(
    call_tool: Any, models: Any, project: Path
) -> None:
    call = call_tool(CHAT, chat_args(project, images=["/proc/self/environ"]))
    message = await refused(call, "system location")
    assert "images" in message and "/proc" in message
    assert models.requests == []


async def test_an_endless_device_is_refused_as_an_image(call_tool: Any, models: Any, project: Path) -> None:
    await refused(call_tool(CHAT, chat_args(project, images=["/dev/zero"])), "system location")
    assert models.requests == []


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("passwords.txt", b"root:x:0:0", "not an image"),
        ("notes.png", b"just some text, not a picture", "does not look like"),
    ],
)
async def test_a_file_that_is_not_an_image_is_refused_as_one(
    call_tool: Any, models: Any, project: Path, name: str, content: bytes, reason: str
) -> None:
    path = project / name
    path.write_bytes(content)
    await refused(call_tool(CHAT, chat_args(project, images=[str(path)])), reason)
    assert models.requests == []


async def test_an_image_over_the_size_cap_is_refused(call_tool: Any, models: Any, project: Path) -> None:
    big = project / "huge.png"
    with big.open("wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n")
        handle.truncate(21 * 1024 * 1024)  # sparse: no disk used
    await refused(call_tool(CHAT, chat_args(project, images=[str(big)])), "20 MB")
    assert models.requests == []


async def test_a_fifo_named_like_an_image_is_refused_without_blocking(
    call_tool: Any, models: Any, project: Path
) -> None:
    with fifo_at(project / "pipe.png") as fifo:
        await refused(call_tool(CHAT, chat_args(project, images=[str(fifo)])), "not a regular file")
    assert models.requests == []


async def test_a_workflow_tool_applies_the_same_image_rule(call_tool: Any, models: Any) -> None:
    await refused(call_tool(AnalyzeTool(), analyze_args(images=["/proc/self/environ"])), "system location")
    assert models.requests == []


# --- files and directories ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/etc/passwd", "/etc"),
        ("/proc/self/maps", "/proc"),
        ("/proc/self/fd", "/proc"),
        ("/proc/self/environ", "/proc"),
        ("/sys/kernel", "/sys"),
        ("/dev/zero", "/dev"),
        ("/usr/lib/os-release", "/usr"),
    ],
)
async def test_system_paths_are_refused_without_any_configuration(
    call_tool: Any, models: Any, project: Path, path: str, reason: str
) -> None:
    call = call_tool(CHAT, chat_args(project, absolute_file_paths=[path]))
    message = await refused(call, "system location")
    assert "absolute_file_paths" in message and reason in message
    assert models.requests == []


async def test_secrets_are_refused_by_name(
    call_tool: Any, models: Any, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text("-----BEGIN OPENSSH PRIVATE KEY-----")
    monkeypatch.setenv("HOME", str(home))
    (project / ".env").write_text("OPENAI_API_KEY=sk-live-secret")
    (project / "server.pem").write_text("-----BEGIN PRIVATE KEY-----")
    git_dir = project / ".git"
    git_dir.mkdir()
    (git_dir / "config").write_text("[remote]\n url = https://user:token@example.invalid/repo\n")
    for path in (home / ".ssh" / "id_rsa", project / ".env", project / "server.pem", git_dir / "config"):
        await refused(call_tool(CHAT, chat_args(project, absolute_file_paths=[str(path)])), "secret")
    assert models.requests == []


async def test_an_example_env_file_is_not_a_secret(call_tool: Any, models: Any, project: Path) -> None:
    example = project / ".env.example"
    example.write_text("OPENAI_API_KEY=your-key-here")
    await call_tool(CHAT, chat_args(project, absolute_file_paths=[str(example)]))
    assert "your-key-here" in models.last_user_text()


@pytest.mark.parametrize(
    ("suffix", "reason"),
    [("/../../etc/passwd", r"'\.\.'"), ("/a\x00b.py", "NUL"), ("/a\nb.py", "control character")],
)
async def test_traversal_and_control_characters_are_refused(
    call_tool: Any, models: Any, project: Path, suffix: str, reason: str
) -> None:
    await refused(call_tool(CHAT, chat_args(project, absolute_file_paths=[f"{project}{suffix}"])), reason)
    assert models.requests == []


async def test_a_symlink_out_of_an_allowed_root_is_not_followed_by_directory_expansion(
    call_tool: Any, models: Any, project: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("OUTSIDE_SECRET_CONTENT")
    (project / "pkg" / "link.txt").symlink_to(outside)
    settings = Settings(zen_allowed_roots=str(project), default_model="auto")
    arguments = chat_args(project, absolute_file_paths=[str(project)])
    result, _, _ = await call_tool(CHAT, arguments, settings=settings)
    assert "OUTSIDE_SECRET_CONTENT" not in models.last_user_text()
    assert str(project / "pkg" / "link.txt") not in result.exchange.files
    assert str(project / "pkg" / "app.py") in result.exchange.files


async def test_a_symlink_to_a_secret_inside_the_tree_is_not_followed_without_roots(
    call_tool: Any, models: Any, project: Path, tmp_path: Path
) -> None:
    outside = tmp_path / ".env"
    outside.write_text("API_KEY=ENV_SECRET_VALUE")
    (project / "settings.txt").symlink_to(outside)
    await call_tool(CHAT, chat_args(project, absolute_file_paths=[str(project)]))
    assert "ENV_SECRET_VALUE" not in models.last_user_text()


async def test_a_fifo_is_refused_without_blocking_and_six_of_them_starve_nobody(
    call_tool: Any, models: Any, project: Path
) -> None:
    with contextlib.ExitStack() as fifos:
        paths = [str(fifos.enter_context(fifo_at(project / f"pipe{i}.txt"))) for i in range(6)]
        for path in paths:
            call = call_tool(CHAT, chat_args(project, absolute_file_paths=[path]))
            await refused(call, "not a regular file")
        # A FIFO met while expanding a directory is skipped, not read.
        whole_project = call_tool(CHAT, chat_args(project, absolute_file_paths=[str(project)]))
        await asyncio.wait_for(whole_project, HANG_GUARD_S)
    assert "def main()" in models.last_user_text()
    assert "pipe0.txt" not in models.last_user_text().split("=== CONTEXT FILES ===", 1)[1].split("[NOTE")[0]


async def test_workflow_relevant_files_follow_the_same_policy(call_tool: Any, models: Any) -> None:
    await refused(call_tool(AnalyzeTool(), analyze_args(relevant_files=["/etc/passwd"])), "system location")
    assert models.requests == []
