"""The interface every fault implements, and what a fault is told about the call it breaks.

A fault is a pydantic model (its fields are its knobs, validated when a behaviour is set)
with one method, `script(ctx) -> Script`, that turns the would-be successful reply in
`ctx` into a broken one. Adding a fault = one new module here plus a line in the registry.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from fakes.dialects.base import Dialect, ParsedCall
from fakes.script import Script, Step, json_script, stream_steps


@dataclass(frozen=True)
class FaultContext:
    """The call being answered and the successful reply it would otherwise get."""

    dialect: Dialect
    call: ParsedCall
    call_id: str
    delay_s: float
    chunk_delay_s: float
    body: bytes
    events: tuple[bytes, ...]

    def stream_prefix(self, fraction: float) -> list[Step]:
        """Start the stream and send the first `fraction` of its events (at least one)."""
        keep = max(1, int(len(self.events) * fraction))
        return stream_steps(
            list(self.events[:keep]), first_delay_s=self.delay_s, chunk_delay_s=self.chunk_delay_s
        )

    def error(self, status: int, message: str, *, retry_after_s: float | None = None, fault: str) -> Script:
        """A complete error reply in the provider's own error shape."""
        headers: tuple[tuple[str, str], ...] = ()
        if retry_after_s is not None:
            headers = (("retry-after", f"{retry_after_s:g}"),)
        payload = self.dialect.error_payload(status, message, retry_after_s)
        return json_script(status, payload, headers=headers, delay_s=self.delay_s, fault=fault)


class FaultSpec(BaseModel):
    """Knobs every fault shares: how often it fires and how many times at most."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rate: float = Field(1.0, ge=0.0, le=1.0, description="probability per request")
    max_count: int | None = Field(None, ge=1, description="stop firing after this many times")

    def script(self, ctx: FaultContext) -> Script:  # pragma: no cover - every fault overrides
        raise NotImplementedError
