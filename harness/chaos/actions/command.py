"""``run_command``: run a local program (argv, no shell), bounded by a timeout.

For steps the other actions do not cover, e.g. a rollback that restores external state.
A non-zero exit status or a timeout is an ``ActionError``.
"""

from __future__ import annotations

import anyio
from pydantic import Field

from harness.chaos.actions.base import ActionEnv, ActionSpec, register
from harness.chaos.errors import ActionError


@register
class RunCommand(ActionSpec):
    kind = "run_command"

    command: list[str] = Field(min_length=1)
    timeout_s: float = Field(default=30.0, gt=0, le=600)

    async def apply(self, env: ActionEnv) -> None:
        try:
            with anyio.fail_after(self.timeout_s):
                result = await anyio.run_process(self.command, check=False)
        except TimeoutError as exc:
            raise ActionError(f"run_command {self.command[0]} took over {self.timeout_s:g}s") from exc
        except OSError as exc:
            raise ActionError(f"run_command cannot start {self.command[0]}: {exc}") from exc
        if result.returncode != 0:
            tail = result.stderr.decode(errors="replace")[-300:]
            raise ActionError(f"run_command {self.command[0]} exited {result.returncode}: {tail}")

    def describe(self) -> str:
        return "run " + " ".join(self.command)[:60]
