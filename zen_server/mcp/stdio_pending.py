"""Requests received over stdio and not yet answered: what end of input must wait for.

A scripted client writes initialize, initialized and a tools/call, then closes stdin. The
SDK ends its session when the read stream closes and answers every open request
"Connection closed", so the transport keeps the stream open after EOF until each request
it forwarded has been answered (or the client cancelled it), within the drain timeout.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import mcp_types as types

logger = logging.getLogger(__name__)

_CANCELLED = "notifications/cancelled"


class UnansweredRequests:
    """Ids of forwarded requests without a response yet; ``wait_answered`` waits for none."""

    def __init__(self) -> None:
        self._ids: set[Any] = set()
        self._none = asyncio.Event()
        self._none.set()

    def __len__(self) -> int:
        return len(self._ids)

    def inbound(self, message: types.JSONRPCMessage) -> None:
        if isinstance(message, types.JSONRPCRequest):
            self._ids.add(message.id)
            self._none.clear()
        elif isinstance(message, types.JSONRPCNotification) and message.method == _CANCELLED:
            # A cancelled request is never answered (the spec forbids it): stop waiting for it.
            self._settle((message.params or {}).get("requestId"))

    def outbound(self, message: types.JSONRPCMessage) -> None:
        if isinstance(message, types.JSONRPCResponse | types.JSONRPCError):
            self._settle(message.id)

    def _settle(self, request_id: Any) -> None:
        self._ids.discard(request_id)
        if not self._ids:
            self._none.set()

    async def wait_answered(self, timeout_s: float) -> bool:
        """True once every request is answered; False when ``timeout_s`` passed first."""
        if self._none.is_set():
            return True
        try:
            await asyncio.wait_for(self._none.wait(), timeout=timeout_s)
        except TimeoutError:
            logger.warning(
                "end of input: %d requests still unanswered after %.1f s", len(self._ids), timeout_s
            )
            return False
        return True


__all__ = ["UnansweredRequests"]
