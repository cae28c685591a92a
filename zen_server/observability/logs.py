"""Server logs: structlog and the standard library, as JSON lines on stderr, redacted.

Owns :func:`configure_logging`. stdout is the MCP stdio channel, so nothing here (nor
uvicorn, nor httpx) may ever write there: every record goes through one stderr handler
whose formatter runs the :class:`Redactor` after exceptions are rendered, so a key in a
traceback or in a third-party library's message is removed too.
Also :class:`LogObserver`, which turns notable events into log lines.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog

from zen_server.observability.events import (
    BreakerTransition,
    Event,
    FallbackTaken,
    RequestRejected,
    SystemEvent,
    ThreadsEvicted,
    ToolCallFinished,
)
from zen_server.observability.redaction import Redactor

_HANDLER_NAME = "zen-server-stderr"
# Terminal colour codes (CSI sequences): a JSON line is read by machines and grep, not a TTY.
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_TERMINAL_ONLY_FIELDS = ("color_message",)  # uvicorn's coloured copy of its own message


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return _ANSI.sub("", value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def strip_terminal_codes(logger: Any, method: str, event: MutableMapping[str, Any]) -> dict[str, Any]:
    """structlog processor: no ANSI colour codes and no colour-only fields in a JSON line."""
    for field in _TERMINAL_ONLY_FIELDS:
        event.pop(field, None)
    return {key: _plain(value) for key, value in event.items()}


def configure_logging(redactor: Redactor, *, level: str = "INFO", stream: TextIO | None = None) -> None:
    """Route structlog and stdlib logging to ``stream`` (stderr) as redacted JSON lines.

    Idempotent: calling it again replaces the handler it installed before.
    """
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),  # stdlib ``extra=`` fields become JSON fields
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,  # so a later reconfiguration (tests) takes effect
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            # After exceptions become text, so tracebacks are redacted as well.
            redactor.structlog_processor,
            strip_terminal_codes,
            structlog.processors.JSONRenderer(),
        ],
    )
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # Libraries that log request URLs or headers at DEBUG stay at WARNING unless asked.
    for noisy in ("httpx", "httpcore", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def unconfigure_logging() -> None:
    """Remove the handler :func:`configure_logging` installed and reset structlog (tests)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    structlog.reset_defaults()


class LogObserver:
    """Observer that logs what an operator should see: failures, breakers, shedding, lifecycle.

    Uses a stdlib logger (not structlog's default, which prints to stdout) so that, even
    before :func:`configure_logging` runs, nothing reaches the MCP stdio channel.
    """

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self._log = logger if logger is not None else logging.getLogger("zen_server.events")

    def emit(self, event: Event) -> None:
        log = self._log
        if isinstance(event, ToolCallFinished):
            if event.outcome in ("error", "deadline"):
                log.warning(
                    "tool call failed",
                    extra={
                        "tool": event.tool,
                        "outcome": event.outcome,
                        "request_id": event.request_id,
                        "error_type": event.error_type,
                        "error": event.error_message,
                        "duration_s": round(event.duration_s, 3),
                    },
                )
        elif isinstance(event, BreakerTransition):
            level = logging.WARNING if event.to_state == "open" else logging.INFO
            log.log(
                level,
                "breaker transition",
                extra={
                    "key": event.key,
                    "from_state": event.from_state,
                    "to_state": event.to_state,
                    "reason": event.reason,
                },
            )
        elif isinstance(event, FallbackTaken):
            log.info(
                "fallback taken",
                extra={
                    "from_provider": event.from_provider,
                    "to_provider": event.to_provider,
                    "model": event.model,
                    "reason": event.reason,
                },
            )
        elif isinstance(event, RequestRejected):
            log.info("request rejected", extra={"reason": event.reason, "tool": event.tool})
        elif isinstance(event, ThreadsEvicted):
            log.info("threads evicted", extra={"reason": event.reason, "count": event.count})
        elif isinstance(event, SystemEvent):
            log.info(event.kind, extra={"detail": event.detail})

    def set_gauge(self, name: str, value: float, **labels: str) -> None:
        return None
