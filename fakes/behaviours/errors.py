"""HTTP error replies: any 4xx/5xx (429 with Retry-After), and the provider's 'overloaded'."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from fakes.behaviours.base import FaultContext, FaultSpec
from fakes.script import Script

_DEFAULT_MESSAGES = {
    429: "Rate limit reached for requests (fake). Please try again later.",
    500: "The server had an error while processing your request (fake).",
    502: "Bad gateway (fake).",
    503: "The service is temporarily unavailable (fake).",
}


class ErrorFault(FaultSpec):
    """Answer with `status` in the provider's error shape; `retry_after_s` adds Retry-After."""

    kind: Literal["error"] = "error"
    status: int = Field(500, ge=400, le=599)
    retry_after_s: float | None = Field(None, ge=0)
    message: str | None = Field(None, max_length=2000)

    def script(self, ctx: FaultContext) -> Script:
        message = self.message or _DEFAULT_MESSAGES.get(self.status, f"Fake error {self.status}.")
        return ctx.error(self.status, message, retry_after_s=self.retry_after_s, fault=f"error:{self.status}")


class OverloadedFault(FaultSpec):
    """The provider says it is overloaded (503 by default; 529 for Anthropic-style gateways)."""

    kind: Literal["overloaded"] = "overloaded"
    status: int = Field(503, ge=500, le=599)
    retry_after_s: float | None = Field(None, ge=0)

    def script(self, ctx: FaultContext) -> Script:
        message = "The model is overloaded. Please try again later. (fake)"
        return ctx.error(self.status, message, retry_after_s=self.retry_after_s, fault="overloaded")
