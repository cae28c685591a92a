"""The response cache key: any change of any input changes it; equal requests share it."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zen_server.cache.response_key import KEY_SCHEMA_VERSION, canonical, response_key
from zen_server.providers.types import ChatMessage, ModelRequest, ResolvedCall, Role

texts = st.text(max_size=40)
messages = st.builds(
    ChatMessage,
    role=st.sampled_from(["system", "user", "assistant"]),
    content=texts,
    images=st.lists(texts.map(lambda t: f"data:image/png;base64,{t}"), max_size=2).map(tuple),
)
requests = st.builds(
    ModelRequest,
    model=texts,
    messages=st.lists(messages, min_size=1, max_size=4).map(tuple),
    temperature=st.none() | st.floats(allow_nan=False),
    thinking_mode=st.none() | st.sampled_from(["minimal", "low", "medium", "high", "max"]),
    max_output_tokens=st.none() | st.integers(min_value=0),
    tool_name=texts,
    allow_fallback=st.booleans(),
    auto_selected=st.booleans(),
)
targets = st.builds(ResolvedCall, provider=texts, model=texts, api_model=texts)


def changed_field(draw: st.DrawFn, request: ModelRequest) -> ModelRequest:
    """``request`` with one field (any field, found by walking the dataclass) set to a new value."""
    field = draw(st.sampled_from([f.name for f in dataclasses.fields(ModelRequest)]))
    current = getattr(request, field)
    strategy: st.SearchStrategy[Any] = {
        "model": texts,
        "messages": st.lists(messages, min_size=1, max_size=4).map(tuple),
        "temperature": st.none() | st.floats(allow_nan=False),
        "thinking_mode": st.none() | st.sampled_from(["minimal", "low", "medium", "high", "max"]),
        "max_output_tokens": st.none() | st.integers(min_value=0),
        "tool_name": texts,
        "allow_fallback": st.booleans(),
        "auto_selected": st.booleans(),
    }[field]
    new: Any = draw(strategy.filter(lambda v: v != current or type(v) is not type(current)))
    changes: dict[str, Any] = {field: new}
    return dataclasses.replace(request, **changes)


@st.composite
def request_pairs(draw: st.DrawFn) -> tuple[ModelRequest, ModelRequest]:
    request = draw(requests)
    return request, changed_field(draw, request)


@st.composite
def message_edits(draw: st.DrawFn) -> tuple[ModelRequest, ModelRequest]:
    """One message's text, role or one image changed (a file's content, a history turn, a system prompt)."""
    request = draw(requests)
    index = draw(st.integers(0, len(request.messages) - 1))
    message = request.messages[index]
    what = draw(st.sampled_from(["content", "role", "images"]))
    if what == "content":
        edited = dataclasses.replace(message, content=draw(texts.filter(lambda t: t != message.content)))
    elif what == "role":
        roles: list[Role] = ["system", "user", "assistant"]
        role = draw(st.sampled_from([r for r in roles if r != message.role]))
        edited = dataclasses.replace(message, role=role)
    else:
        edited = dataclasses.replace(message, images=(*message.images, "data:image/png;base64,AAAA"))
    edited_messages = (*request.messages[:index], edited, *request.messages[index + 1 :])
    return request, dataclasses.replace(request, messages=edited_messages)


def test_the_generator_covers_every_field_of_the_request() -> None:
    # A field added to ModelRequest must be added to the generators above, or this fails.
    assert {f.name for f in dataclasses.fields(ModelRequest)} == {
        "model", "messages", "temperature", "thinking_mode", "max_output_tokens",
        "tool_name", "allow_fallback", "auto_selected",
    }  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(request_pairs(), targets)
def test_changing_any_request_field_changes_the_key(
    pair: tuple[ModelRequest, ModelRequest], target: ResolvedCall
) -> None:
    before, after = pair
    assert response_key(before, target) != response_key(after, target)


@settings(max_examples=300, deadline=None)
@given(message_edits(), targets)
def test_changing_any_message_file_text_or_image_changes_the_key(
    pair: tuple[ModelRequest, ModelRequest], target: ResolvedCall
) -> None:
    before, after = pair
    assert response_key(before, target) != response_key(after, target)


@settings(max_examples=200, deadline=None)
@given(requests, targets, targets)
def test_a_different_target_changes_the_key(
    request: ModelRequest, one: ResolvedCall, two: ResolvedCall
) -> None:
    if one != two:
        assert response_key(request, one) != response_key(request, two)


@settings(max_examples=200, deadline=None)
@given(requests, targets)
def test_equal_requests_built_separately_share_a_key(request: ModelRequest, target: ResolvedCall) -> None:
    rebuilt = ModelRequest(**{f.name: getattr(request, f.name) for f in dataclasses.fields(request)})
    assert response_key(rebuilt, dataclasses.replace(target)) == response_key(request, target)


def test_nearby_floats_and_the_schema_version_are_in_the_key() -> None:
    base = ModelRequest(model="m", messages=(ChatMessage("user", "hi"),), temperature=0.1)
    target = ResolvedCall("p", "m", "m")
    nudged = dataclasses.replace(base, temperature=0.1 + 1e-15)
    assert response_key(base, target) != response_key(nudged, target)
    assert KEY_SCHEMA_VERSION >= 1


def test_an_unknown_value_type_is_refused_rather_than_left_out() -> None:
    @dataclasses.dataclass
    class WithSet:
        tags: Any

    with pytest.raises(TypeError, match="cannot include a set"):
        canonical(WithSet({"a"}))
