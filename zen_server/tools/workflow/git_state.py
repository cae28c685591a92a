"""Git state of a repository the caller names: status, staged and unstaged diffs, diff to a ref.

Only read-only git commands run, through ``asyncio`` subprocesses bounded by the call's
deadline. The repository is untrusted input (a client steered by prompt injection picks
it, and its content may come from anyone), so on every command:

* system and global git config are ignored (``GIT_CONFIG_NOSYSTEM``, ``GIT_CONFIG_GLOBAL``
  set to /dev/null) and the environment is rebuilt, not inherited: no provider key reaches
  git or anything it could start;
* everything in the repository's own config that makes git run a program is overridden on
  the command line: fsmonitor, hooks, pager, external diff, ssh and credential helpers, and
  every filter / diff / merge driver the config defines (clean, smudge, process, textconv,
  command, driver), found by listing the config first;
* the work tree git reports (``core.worktree`` can point anywhere) must pass the file
  policy, and diff content is shown only for changed files the policy would let a tool
  read: a changed ``.env`` is named in the status, its content withheld;
* a ref that looks like an option is refused; pathspecs are literal.
"""

from __future__ import annotations

import asyncio
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from zen_server.errors import ToolInputError
from zen_server.files import PathPolicy
from zen_server.resilience.deadline import remaining

if TYPE_CHECKING:
    from zen_server.files import FileAccess

# A diff beyond this is cut: the expert needs the shape of the change, not megabytes of it.
MAX_DIFF_CHARS = 120_000
# Changed files whose content a diff may show (pathspecs go on the command line).
MAX_DIFF_FILES = 1000
GIT_TIMEOUT_S = 30.0
_SAFE_CONFIG = (
    "core.fsmonitor=false", "core.hooksPath=/dev/null", "core.pager=cat", "core.quotepath=off",
    "core.attributesFile=/dev/null", "core.sshCommand=", "core.askPass=", "credential.helper=",
    "diff.external=", "status.relativePaths=false",
)  # fmt: skip
_DRIVER_COMMANDS = {
    "filter": ("clean", "smudge", "process"),
    "diff": ("command", "textconv"),
    "merge": ("driver",),
}
_DRIVER_KEY = re.compile(r"^(filter|diff|merge)\.(.+)\.[^.]+$")
_DIFF_FLAGS = ("--no-ext-diff", "--no-textconv", "--no-color")
_ENV_KEPT = ("PATH", "HOME", "TMPDIR", "SYSTEMROOT")


def git_environment() -> dict[str, str]:
    """A fresh environment for git: nothing inherited but where programs and home are."""
    env = {k: os.environ[k] for k in _ENV_KEPT if k in os.environ}
    env.update(
        GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null", GIT_ATTR_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0", GIT_LITERAL_PATHSPECS="1",
        GIT_PAGER="cat", PAGER="cat", LC_ALL="C",
    )  # fmt: skip
    return env


def _config_args(pairs: tuple[str, ...]) -> list[str]:
    return [arg for pair in pairs for arg in ("-c", pair)]


class GitCommandError(Exception):
    def __init__(self, returncode: int, stderr: str) -> None:
        super().__init__(stderr)
        self.returncode = returncode
        self.stderr = stderr


@dataclass(frozen=True, slots=True)
class GitSnapshot:
    root: str
    branch: str
    status: str
    staged_diff: str = ""
    unstaged_diff: str = ""
    compare_to: str | None = None
    compare_diff: str = ""
    changed_files: tuple[str, ...] = ()
    # Changed files whose content the file policy withholds (secrets, outside the roots).
    withheld_files: tuple[str, ...] = ()

    def sections(self) -> dict[str, str]:
        """The snapshot as prompt sections, empty ones left out."""
        out = {
            "repository": f"{self.root} (branch {self.branch})",
            "git status": self.status or "(clean)",
            "changed files": "\n".join(self.changed_files),
        }
        if self.compare_to is not None:
            out[f"diff against {self.compare_to}"] = self.compare_diff or "(no differences)"
        if self.staged_diff:
            out["staged changes"] = self.staged_diff
        if self.unstaged_diff:
            out["unstaged changes"] = self.unstaged_diff
        if self.withheld_files:
            out["changes not shown"] = (
                "The server's file policy withholds the content of these changed files (secrets or "
                "paths it may not read); they are named so they can be checked by hand: "
                + ", ".join(self.withheld_files)
            )
        return {k: v for k, v in out.items() if v}


async def run_git(cwd: Path, *args: str, overrides: tuple[str, ...] = ()) -> str:
    """``git -C cwd args`` with the safe config plus ``overrides``; stdout, or GitCommandError."""
    try:
        process = await asyncio.create_subprocess_exec(
            "git",
            *_config_args(_SAFE_CONFIG + overrides),
            "-C",
            str(cwd),
            *args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=git_environment(),
        )
    except FileNotFoundError as exc:
        raise ToolInputError(
            "precommit needs the git executable, which is not installed on the server"
        ) from exc
    try:
        async with asyncio.timeout(min(GIT_TIMEOUT_S, remaining(GIT_TIMEOUT_S))):
            out, err = await process.communicate()
    except BaseException:
        # Timeout or cancellation: never leave a git process behind.
        if process.returncode is None:
            process.kill()
            await process.wait()
        raise
    if process.returncode != 0:
        raise GitCommandError(process.returncode or 1, err.decode("utf-8", "replace").strip())
    return out.decode("utf-8", "replace")


async def driver_overrides(root: Path, *, tool: str) -> tuple[str, ...]:
    """``-c`` values that disarm every filter, diff and merge driver the repository's config names."""
    try:
        listed = await run_git(root, "config", "--name-only", "--get-regexp", r"^(filter|diff|merge)\.")
    except GitCommandError as exc:
        if exc.returncode == 1:  # no such keys
            return ()
        raise ToolInputError(f"{tool}: the repository's git config cannot be read ({exc.stderr})") from exc
    overrides: list[str] = []
    for key in dict.fromkeys(listed.split()):
        match = _DRIVER_KEY.match(key)
        if match is None:
            continue
        kind, driver = match.groups()
        if "=" in driver:
            raise ToolInputError(
                f"{tool}: the repository's git config names a {kind} driver {driver!r} that cannot be "
                "switched off safely; remove it from .git/config"
            )
        overrides += [f"{kind}.{driver}.{command}=" for command in _DRIVER_COMMANDS[kind]]
        if kind == "filter":
            overrides.append(f"filter.{driver}.required=false")
    return tuple(dict.fromkeys(overrides))


def _cap(diff: str) -> str:
    if len(diff) <= MAX_DIFF_CHARS:
        return diff
    return diff[:MAX_DIFF_CHARS] + f"\n[diff cut at {MAX_DIFF_CHARS} characters of {len(diff)}]"


async def repository_root(path: Path, *, tool: str, files: FileAccess | None = None) -> Path:
    """The top level of the work tree containing ``path`` (checked by ``files``), or an error."""
    try:
        top = (await run_git(path, "rev-parse", "--show-toplevel")).strip()
        if files is not None:
            # core.worktree may point anywhere: the tree git would read must pass the policy.
            await files.check(top, field=f"{tool} path's git work tree", kind="dir")
        inside = (await run_git(path, "rev-parse", "--is-inside-work-tree")).strip()
    except GitCommandError as exc:
        raise ToolInputError(
            f"{tool}: path {str(path)!r} is not a git repository ({exc.stderr or 'git refused it'}); send "
            "the absolute path of a directory inside a git work tree"
        ) from exc
    if inside != "true":
        raise ToolInputError(
            f"{tool}: path {str(path)!r} is not inside a git work tree; send a work tree path"
        )
    return Path(top)


async def verify_ref(root: Path, ref: str, *, tool: str) -> None:
    if not ref or ref.startswith("-"):
        raise ToolInputError(f"{tool}: compare_to {ref!r} is not a git ref; send a branch, tag or commit")
    try:
        await run_git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except GitCommandError as exc:
        raise ToolInputError(
            f"{tool}: compare_to {ref!r} names no commit in {root}; send an existing branch, tag or commit"
        ) from exc


def _split_names(listing: str) -> list[str]:
    return [name for name in listing.split("\0") if name]


class _DiffReader:
    """Diffs of one repository, showing content only for changed files the policy allows."""

    def __init__(self, root: Path, policy: PathPolicy, overrides: tuple[str, ...]) -> None:
        self.root = root
        self.policy = policy
        self.overrides = overrides
        self.changed: list[str] = []
        self.withheld: list[str] = []

    def _allowed(self, name: str) -> bool:
        lexical = self.root / name
        return self.policy.refusal(lexical, Path(os.path.realpath(lexical))) is None

    async def diff(self, *selector: str) -> str:
        names = _split_names(
            await run_git(self.root, "diff", "--name-only", "-z", "--no-ext-diff", *selector, "--",
                          overrides=self.overrides)
        )  # fmt: skip
        self.changed += names
        shown = [n for n in names if self._allowed(n)]
        self.withheld += [n for n in names if n not in shown]
        if not shown:
            return ""
        pathspecs = shown[:MAX_DIFF_FILES]
        command = ("diff", *_DIFF_FLAGS, *selector, "--", *pathspecs)
        text = await run_git(self.root, *command, overrides=self.overrides)
        if len(shown) > MAX_DIFF_FILES:
            text += f"\n[diff limited to the first {MAX_DIFF_FILES} of {len(shown)} changed files]"
        return _cap(text)


async def read_snapshot(
    root: Path,
    *,
    compare_to: str | None,
    include_staged: bool,
    include_unstaged: bool,
    tool: str,
    policy: PathPolicy | None = None,
) -> GitSnapshot:
    """Status and diffs of the work tree at ``root`` (default policy: no roots, deny list only)."""
    reader = _DiffReader(root, policy or PathPolicy(), await driver_overrides(root, tool=tool))
    status = await run_git(root, "status", "--porcelain=v1", "--branch", overrides=reader.overrides)
    branch_line, _, rest = status.partition("\n")
    branch = branch_line.removeprefix("## ").split("...")[0] or "(unknown)"
    compare_diff = staged = unstaged = ""
    if compare_to is not None:
        await verify_ref(root, compare_to, tool=tool)
        compare_diff = await reader.diff(compare_to)
    else:
        if include_staged:
            staged = await reader.diff("--cached")
        if include_unstaged:
            unstaged = await reader.diff()
    return GitSnapshot(
        root=str(root),
        branch=branch,
        status=rest.strip(),
        staged_diff=staged,
        unstaged_diff=unstaged,
        compare_to=compare_to,
        compare_diff=compare_diff,
        changed_files=tuple(dict.fromkeys(reader.changed)),
        withheld_files=tuple(dict.fromkeys(reader.withheld)),
    )


__all__ = [
    "MAX_DIFF_CHARS",
    "GitCommandError",
    "GitSnapshot",
    "driver_overrides",
    "git_environment",
    "read_snapshot",
    "repository_root",
    "run_git",
    "verify_ref",
]
