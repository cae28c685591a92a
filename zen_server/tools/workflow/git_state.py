"""Git state of a repository the caller names: status, staged and unstaged diffs, diff to a ref.

Only read-only git commands run, through ``asyncio`` subprocesses bounded by the call's
deadline. The repository is untrusted input: its own configuration could name programs
for git to run (external diff drivers, textconv filters, an fsmonitor hook), so those are
switched off on every command, and a ref that looks like an option is refused.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path

from zen_server.errors import ToolInputError
from zen_server.resilience.deadline import remaining

# A diff beyond this is cut: the expert needs the shape of the change, not megabytes of it.
MAX_DIFF_CHARS = 120_000
GIT_TIMEOUT_S = 30.0
_SAFE_CONFIG = ("-c", "core.fsmonitor=false", "-c", "core.quotepath=off", "-c", "diff.external=")
_DIFF_FLAGS = ("--no-ext-diff", "--no-textconv", "--no-color")


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
        return {k: v for k, v in out.items() if v}


async def run_git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        process = await asyncio.create_subprocess_exec(
            "git",
            *_SAFE_CONFIG,
            "-C",
            str(cwd),
            *args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
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


def _cap(diff: str) -> str:
    if len(diff) <= MAX_DIFF_CHARS:
        return diff
    return diff[:MAX_DIFF_CHARS] + f"\n[diff cut at {MAX_DIFF_CHARS} characters of {len(diff)}]"


async def repository_root(path: Path, *, tool: str) -> Path:
    """The top level of the work tree containing ``path``, or a ToolInputError."""
    try:
        inside = (await run_git(path, "rev-parse", "--is-inside-work-tree")).strip()
        top = (await run_git(path, "rev-parse", "--show-toplevel")).strip()
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


async def read_snapshot(
    root: Path, *, compare_to: str | None, include_staged: bool, include_unstaged: bool, tool: str
) -> GitSnapshot:
    status = await run_git(root, "status", "--porcelain=v1", "--branch")
    branch_line, _, rest = status.partition("\n")
    branch = branch_line.removeprefix("## ").split("...")[0] or "(unknown)"
    changed: list[str] = []
    compare_diff = staged = unstaged = ""
    if compare_to is not None:
        await verify_ref(root, compare_to, tool=tool)
        compare_diff = _cap(await run_git(root, "diff", *_DIFF_FLAGS, compare_to, "--"))
        names = await run_git(root, "diff", "--name-only", "--no-ext-diff", compare_to, "--")
        changed.extend(names.splitlines())
    else:
        if include_staged:
            staged = _cap(await run_git(root, "diff", "--cached", *_DIFF_FLAGS, "--"))
            changed.extend((await run_git(root, "diff", "--cached", "--name-only", "--")).splitlines())
        if include_unstaged:
            unstaged = _cap(await run_git(root, "diff", *_DIFF_FLAGS, "--"))
            changed.extend((await run_git(root, "diff", "--name-only", "--")).splitlines())
    return GitSnapshot(
        root=str(root),
        branch=branch,
        status=rest.strip(),
        staged_diff=staged,
        unstaged_diff=unstaged,
        compare_to=compare_to,
        compare_diff=compare_diff,
        changed_files=tuple(dict.fromkeys(c for c in changed if c)),
    )


__all__ = [
    "MAX_DIFF_CHARS",
    "GitCommandError",
    "GitSnapshot",
    "read_snapshot",
    "repository_root",
    "run_git",
    "verify_ref",
]
