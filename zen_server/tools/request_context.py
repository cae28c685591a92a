"""Turning a tool call's prompt, files and thread into the user message a model reads.

Shared by every tool that asks a model: picks the model (explicit, else the thread's last
model, else DEFAULT_MODEL, with "auto" resolved by the catalog), then lays out conversation
history, files and the new request within the model's token budget. Files are embedded
once: this request's files first (the newest reference wins), then the thread's older
files that this request did not resend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from zen_server.config import Settings
from zen_server.conversation.budget import TokenBudget
from zen_server.conversation.history import (
    NEW_INPUT_MARKER,
    build_history,
    conversation_files,
    follow_up_instructions,
    last_model_used,
)
from zen_server.conversation.types import Thread
from zen_server.errors import ThreadTurnLimitError, ToolInputError
from zen_server.files import FileAccess
from zen_server.tools.catalog_view import CatalogView, ModelInfo
from zen_server.tools.files import embed_files


def select_model(
    catalog: CatalogView, settings: Settings, tool_name: str, requested: str | None, thread: Thread | None
) -> ModelInfo:
    """The model for this call; raises UnknownModelError (from the catalog) for a bad name."""
    name = requested_model_name(settings, requested, thread)
    if name.lower() == "auto":
        return catalog.pick_auto(tool_name)
    return catalog.resolve(name)


def requested_model_name(settings: Settings, requested: str | None, thread: Thread | None) -> str:
    """The name asked for: the argument, else the thread's last model, else DEFAULT_MODEL."""
    name = (requested or "").strip()
    if not name and thread is not None:
        name = last_model_used(thread) or ""
    return name or settings.default_model


def ensure_room_for_exchange(thread: Thread | None, settings: Settings) -> None:
    """Refuse a continuation that could not be recorded, before paying for a model call."""
    if thread is not None and len(thread.turns) + 2 > settings.max_conversation_turns:
        raise ThreadTurnLimitError(
            f"conversation {thread.thread_id} already has {len(thread.turns)} turns and "
            f"MAX_CONVERSATION_TURNS is {settings.max_conversation_turns}; start a new conversation "
            "without continuation_id and summarise what matters from this one in the prompt"
        )


async def load_images(images: Sequence[str], model: ModelInfo, access: FileAccess) -> tuple[str, ...]:
    """Images as data URLs, read under the file policy, and only for models that accept images."""
    if images and not model.supports_images:
        raise ToolInputError(
            f"model {model.name} does not accept images; send them to a model that does "
            "(see listmodels) or leave images out"
        )
    return await access.load_images(images, field="images")


@dataclass(frozen=True, slots=True)
class UserMessage:
    """The composed user message and what went into it."""

    text: str
    embedded_files: tuple[str, ...]
    omitted_files: tuple[str, ...]
    history_turns_included: int


async def compose_user_message(
    *,
    prompt: str,
    files: Sequence[str],
    thread: Thread | None,
    model: ModelInfo,
    settings: Settings,
    access: FileAccess,
    files_title: str = "CONTEXT FILES",
) -> UserMessage:
    """History (if continuing), the request, its files and follow-up guidance, within budget."""
    budget = TokenBudget.for_context_window(model.context_window)
    current = await embed_files(files, budget.file_tokens, access)
    parts: list[str] = []
    included_turns = 0
    embedded = list(current.included)
    omitted = list(current.omitted)
    if thread is not None:
        requested = set(files)
        older = [f for f in conversation_files(thread.turns) if f not in requested]
        previous = await embed_files(older, budget.file_tokens - current.tokens, access)
        history = build_history(
            thread,
            token_budget=budget.history_tokens,
            max_turns=settings.max_conversation_turns,
            files_block=previous.text,
        )
        embedded += previous.included
        omitted += previous.omitted
        included_turns = history.included_turns
        if history.text:
            parts += [history.text, "", NEW_INPUT_MARKER]
    parts += ["=== USER REQUEST ===", prompt, "=== END REQUEST ==="]
    if current.text:
        parts += ["", f"=== {files_title} ===", current.text, f"=== END {files_title} ==="]
    turns_so_far = len(thread.turns) if thread is not None else 0
    parts += ["", follow_up_instructions(turns_so_far, settings.max_conversation_turns)]
    return UserMessage("\n".join(parts), tuple(embedded), tuple(omitted), included_turns)


__all__ = [
    "UserMessage",
    "compose_user_message",
    "ensure_room_for_exchange",
    "load_images",
    "select_model",
]
