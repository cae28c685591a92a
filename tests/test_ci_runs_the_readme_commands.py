"""CI runs what the README tells a newcomer to run: its two commands, word for word (CI may
add options through the environment, such as coverage, but not change the command)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = re.compile(r"^[A-Z_][A-Z0-9_]*=")


def readme_commands() -> list[str]:
    """The run part (after the install) of each line of the README's first bash block."""
    block = (ROOT / "README.md").read_text().split("```bash\n", 1)[1].split("```", 1)[0]
    return [line.rsplit(" && ", 1)[1] for line in block.strip().splitlines()]


def ci_commands(text: str) -> list[list[str]]:
    """Each command .ci/run runs, continuation lines joined, with `gate` and leading
    environment assignments taken off."""
    joined = text.replace("\\\n", " ")
    commands = []
    for line in joined.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            words = shlex.split(line)
        except ValueError:
            continue  # shell syntax this reader does not follow (not a command line)
        while words and (words[0] == "gate" or ASSIGNMENT.match(words[0])):
            words = words[1:]
        commands.append(words)
    return commands


def test_the_readme_opens_with_exactly_two_commands() -> None:
    commands = readme_commands()
    assert [c.split()[0] for c in commands] == [".venv/bin/zen-harness", ".venv/bin/pytest"]


def test_ci_runs_each_readme_command_word_for_word() -> None:
    ran = ci_commands((ROOT / ".ci" / "run").read_text())
    for command in readme_commands():
        assert shlex.split(command) in ran, f".ci/run does not run the README's command: {command}"


def test_the_reader_sees_a_changed_command() -> None:
    text = (
        'PYTEST_ADDOPTS="--cov" \\\n    .venv/bin/pytest -q -n 2\n'
        "gate .venv/bin/zen-harness run scenarios/ --quick\n"
    )
    ran = ci_commands(text)
    assert [".venv/bin/pytest", "-q", "-n", "2"] in ran
    assert [".venv/bin/zen-harness", "run", "scenarios/"] not in ran  # --quick is another command
