"""Deterministic replies and the behaviour spec: digests, chunking, overrides, behaviour files."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fakes import BehaviourError, ProviderBehaviour, conversation_digest, expected_marker, load_behaviour_file
from fakes.reply import reply_text, split_chunks


@given(st.text(max_size=300), st.integers(min_value=1, max_value=50))
def test_chunks_rebuild_the_text_exactly(text: str, count: int) -> None:
    chunks = split_chunks(text, count)
    assert "".join(chunks) == text and len(chunks) <= max(1, count)


def test_digest_depends_on_roles_order_and_text() -> None:
    base = [("user", "a"), ("assistant", "b")]
    variants = [
        [("user", "a"), ("user", "b")],
        [("assistant", "b"), ("user", "a")],
        [("user", "a"), ("assistant", "c")],
    ]
    assert len({conversation_digest(c) for c in [base, *variants]}) == 4
    assert expected_marker("m", base).endswith(f"messages=2 digest={conversation_digest(base)}")


def test_reply_echoes_a_bounded_last_user_message_and_pads() -> None:
    text = reply_text("m", [("user", "x" * 500), ("assistant", "ok")], padding_words=10)
    assert text.splitlines()[1] == "last-user: " + "x" * 200
    assert len(text.splitlines()[2].split()) == 10


def test_model_override_replaces_only_its_named_fields() -> None:
    behaviour = ProviderBehaviour.model_validate(
        {
            "default": {"latency": {"fixed_ms": 50}, "reply_padding_words": 4},
            "models": {"o3": {"latency": {"fixed_ms": 1}}},
        }
    )
    o3 = behaviour.for_model("o3")
    assert o3.latency.fixed_ms == 1 and o3.reply_padding_words == 4
    assert behaviour.for_model("gpt-5").latency.fixed_ms == 50


def test_yaml_and_json_files_load(tmp_path: Path) -> None:
    yaml_file = tmp_path / "b.yaml"
    yaml_file.write_text(
        "seed: 3\nproviders:\n  gemini:\n    default:\n"
        "      faults:\n        - {kind: overloaded, rate: 0.5}\n"
    )
    loaded = load_behaviour_file(yaml_file)
    assert loaded.seed == 3 and loaded.for_provider("gemini").default.faults[0].rate == 0.5
    assert loaded.for_provider("openai").default.faults == ()
    json_file = tmp_path / "b.json"
    json_file.write_text('{"providers": {"openai": {"default": {"stream": {"chunks": 2}}}}}')
    assert load_behaviour_file(json_file).for_provider("openai").default.stream.chunks == 2


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("providers: {claude: {}}", "providers.claude"),
        ("providers: {openai: {default: {latency: {fixed_ms: x}}}}", "fixed_ms"),
        ("providers: [", "not valid"),
        ("providers: {openai: {defualt: {}}}", "defualt"),
    ],
)
def test_bad_files_name_the_problem(tmp_path: Path, content: str, named: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    with pytest.raises(BehaviourError, match=named):
        load_behaviour_file(path)
