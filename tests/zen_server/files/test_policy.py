"""files.policy: the path rule, decided on the path as sent and as resolved, before any open."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from zen_server.errors import FileAccessError
from zen_server.files import PathPolicy
from zen_server.files.denylist import secret_reason


def refusal(policy: PathPolicy, raw: str) -> str | None:
    lexical = policy.parse(raw, field="f")
    return policy.refusal(lexical, Path(os.path.realpath(lexical)))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "contains an empty path"),
        ("relative/app.py", "relative path"),
        ("/a/../etc/passwd", "contains '..'"),
        ("/a\x00b", "NUL byte"),
        ("/a\tb", "control character"),
        ("/a\x85b", "control character"),
    ],
)
def test_string_rules_come_first_and_name_the_problem(raw: str, message: str) -> None:
    with pytest.raises(FileAccessError, match=message):
        PathPolicy().parse(raw, field="absolute_file_paths")


def test_a_control_character_is_shown_quoted_not_raw() -> None:
    with pytest.raises(FileAccessError) as caught:
        PathPolicy().parse("/a\nb", field="f")
    assert "\n" not in str(caught.value) and "'/a\\nb'" in str(caught.value)


def test_home_is_expanded_as_the_original_server_does(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert PathPolicy().parse("~/app.py", field="f") == tmp_path / "app.py"


@pytest.mark.parametrize(
    "raw", ["/proc/self/environ", "/sys/kernel", "/dev/zero", "/etc/passwd", "/var/log/x", "/run/secrets/db"]
)
def test_system_locations_are_refused_without_roots(raw: str) -> None:
    reason = refusal(PathPolicy(), raw)
    assert reason is not None and "system location" in reason


def test_a_magic_link_is_judged_by_its_name_too() -> None:
    # /proc/self/cwd resolves to an ordinary directory; the name still says "process internals".
    reason = refusal(PathPolicy(), "/proc/self/cwd")
    assert reason is not None and "/proc" in reason


def test_a_symlink_into_a_system_location_is_judged_by_its_target(tmp_path: Path) -> None:
    (tmp_path / "innocent.txt").symlink_to("/etc/hostname")
    reason = refusal(PathPolicy(), str(tmp_path / "innocent.txt"))
    assert reason is not None and "/etc" in reason


def test_a_root_inside_a_system_location_opens_that_root_only(tmp_path: Path) -> None:
    policy = PathPolicy((Path("/usr/share/doc"),))
    assert refusal(policy, "/usr/share/doc/README") is None
    assert refusal(policy, "/usr/bin/env") is not None
    # Kernel locations stay closed whatever the roots say.
    assert refusal(PathPolicy((Path("/proc"),)), "/proc/self/status") is not None


def test_roots_are_checked_on_the_resolved_path(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "outside.txt").write_text("x")
    (root / "link.txt").symlink_to(tmp_path / "outside.txt")
    (root / "inner.txt").write_text("x")
    policy = PathPolicy((root.resolve(),))
    assert refusal(policy, str(root / "inner.txt")) is None
    reason = refusal(policy, str(root / "link.txt"))
    assert reason is not None and "outside the directories" in reason


@pytest.mark.parametrize(
    "parts",
    [
        (".env",), (".env.production",), ("prod.env",), ("id_rsa",), ("server.pem",), ("tls.key",),
        (".ssh", "config"), (".aws", "credentials"), (".git", "config"), (".docker", "config.json"),
        (".netrc",), (".git-credentials",), ("keystore.jks",),
    ],
)  # fmt: skip
def test_secrets_are_recognised_by_name(parts: tuple[str, ...]) -> None:
    assert secret_reason(("/", "home", "me", *parts)) is not None


@pytest.mark.parametrize(
    "parts",
    [(".env.example",), (".env.sample",), ("environment.py",), ("config",), ("keys.py",), ("git", "config")],
)
def test_ordinary_names_are_not_secrets(parts: tuple[str, ...]) -> None:
    assert secret_reason(("/", "home", "me", *parts)) is None


def test_a_link_to_a_secret_is_refused_by_the_target_name(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("KEY=1")
    (tmp_path / "notes.txt").symlink_to(tmp_path / ".env")
    reason = refusal(PathPolicy(), str(tmp_path / "notes.txt"))
    assert reason is not None and "secret" in reason


def test_resolve_names_the_field_and_the_path(tmp_path: Path) -> None:
    with pytest.raises(FileAccessError, match=r"^images: /etc/passwd is under /etc"):
        PathPolicy().resolve("/etc/passwd", field="images")
    assert PathPolicy().resolve(str(tmp_path), field="f") == Path(os.path.realpath(tmp_path))
