"""chat refuses a file as working directory, an empty model answer, and reports files it left out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from zen_server.errors import FileAccessError, PermanentProviderError
from zen_server.tools.chat import ChatTool

CHAT = ChatTool()


def _args(working_dir: Path, **extra: Any) -> dict[str, Any]:
    return {
        "prompt": "Review this",
        "working_directory_absolute_path": str(working_dir),
        "model": "gpt5",
        **extra,
    }


async def test_a_file_given_as_working_directory_is_refused_before_any_model_call(
    call_tool: Any, models: Any, project: Path
) -> None:
    with pytest.raises(FileAccessError, match="is not a directory; send an existing directory"):
        await call_tool(CHAT, _args(project / "README.md"))
    assert models.requests == []


@pytest.mark.parametrize("reply", ["", "  \n\t"])
async def test_an_empty_model_answer_is_an_error_saying_to_rephrase_or_switch_model(
    call_tool: Any, models: Any, project: Path, reply: str
) -> None:
    models.reply = reply
    with pytest.raises(PermanentProviderError, match=r"gpt-5 returned an empty answer .*try another model"):
        await call_tool(CHAT, _args(project))


async def test_files_that_could_not_be_embedded_are_listed_in_the_metadata(
    call_tool: Any, models: Any, project: Path
) -> None:
    blob = project / "image.bin"
    blob.write_bytes(b"\x00\x01\x02binary")
    readable = project / "pkg" / "app.py"
    _, _, output = await call_tool(CHAT, _args(project, absolute_file_paths=[str(readable), str(blob)]))
    assert output["metadata"]["files_omitted"] == [str(blob)]
    assert "return 42" in models.last_user_text()
