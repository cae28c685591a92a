"""Every error zen_server raises on purpose, as one tree (a test renders it from the classes
below and compares, so the drawing cannot drift from them).

    ZenError
    ├── ConfigurationError            settings that cannot work (named variable, what to set)
    ├── ToolInputError                bad arguments from the client: unknown tool, bad type, bad path
    │   ├── UnknownModelError         model name not in the catalog or not allowed
    │   ├── FileAccessError           relative, missing, or outside the allowed roots
    │   └── PromptTooLargeError       prompt over the MCP size limit: send it as a file
    ├── ThreadError
    │   ├── ThreadNotFoundError       continuation_id never existed (or was evicted / expired)
    │   │   └── ThreadExpiredError    continuation_id that expired or was evicted
    │   ├── ThreadTurnLimitError      MAX_CONVERSATION_TURNS reached
    │   └── ThreadUnreadableError     the stored thread is corrupt or of another schema version
    ├── AdmissionRejected             server busy: queue full or wait too long (carries retry_after)
    │   ├── MemoryPressureError       RSS past the critical threshold: new work refused
    │   └── ShuttingDown              the instance is draining (SIGTERM): retry, elsewhere
    ├── DeadlineExceeded              the call's deadline passed
    ├── StorageError                  the conversation store refused or failed a write
    │   └── StoreUnavailableError     the store (Redis) is down, slow or its breaker is open
    ├── ExternalServiceError          something a tool drives, other than a model, failed
    │   ├── CliAgentError             clink: the CLI could not start, failed, timed out or overflowed
    │   └── JulesApiError             jules: the Jules API refused the request or could not be reached
    └── ProviderError                 a model provider failed (carries provider, model)
        ├── TransientProviderError    may succeed if retried: connect, timeout, 429, 5xx, overloaded
        │   └── CircuitOpenError      the breaker for this provider/model is open; not even tried
        └── PermanentProviderError    will fail again: 400, 401, 403, unknown model, context too long

Every leaf says what went wrong and, where the client can act, what to do instead:
the MCP adapter turns a ZenError into a tool error (isError) with ``str(error)`` as its text.
"""

from __future__ import annotations


class ZenError(Exception):
    """Base class of every error zen_server raises on purpose."""


class ConfigurationError(ZenError):
    """The configuration cannot work; the message names the variable and a fix."""


class ToolInputError(ZenError):
    """The client sent arguments that cannot be used; the message says what to send instead."""


class UnknownModelError(ToolInputError):
    """The requested model is not in the catalog or is not allowed by the restrictions."""


class FileAccessError(ToolInputError):
    """A file path is relative, missing, unreadable, or outside the allowed roots."""


class PromptTooLargeError(ToolInputError):
    """The prompt exceeds the MCP transport size limit; it should be sent as a file."""


class ThreadError(ZenError):
    """A conversation thread cannot be continued."""


class ThreadNotFoundError(ThreadError):
    """No thread has this continuation_id."""


class ThreadExpiredError(ThreadNotFoundError):
    """The thread existed but expired or was evicted; start a new conversation."""


class ThreadTurnLimitError(ThreadError):
    """The thread reached MAX_CONVERSATION_TURNS."""


class ThreadUnreadableError(ThreadError):
    """The thread is stored but cannot be read (corrupt record, other schema version)."""


class AdmissionRejected(ZenError):
    """The server is at capacity; the client should retry after ``retry_after`` seconds."""

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class MemoryPressureError(AdmissionRejected):
    """Process memory is past the critical threshold; new work is refused until it drops."""


class ShuttingDown(AdmissionRejected):
    """The instance is draining before it exits; the call was not started, so retrying is safe."""


class DeadlineExceeded(ZenError):
    """The call's deadline passed before it could finish."""

    def __init__(self, message: str, *, deadline_s: float | None = None) -> None:
        super().__init__(message)
        self.deadline_s = deadline_s


class StorageError(ZenError):
    """The conversation store failed; nothing was written partially."""


class StoreUnavailableError(StorageError):
    """The conversation store could not be reached in time; the operation did not happen
    (or, for a write whose reply was lost, may have happened exactly once)."""


class ExternalServiceError(ZenError):
    """An external agent or service a tool drives (not a model provider) failed."""


class CliAgentError(ExternalServiceError):
    """A clink CLI failed; ``returncode`` is its exit status (None: killed or never started)."""

    def __init__(self, message: str, *, cli: str, returncode: int | None = None) -> None:
        super().__init__(message)
        self.cli = cli
        self.returncode = returncode


class JulesApiError(ExternalServiceError):
    """The Jules REST API refused a request (``status``) or could not be reached (None)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ProviderError(ZenError):
    """A model provider failed."""

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        model: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.provider = provider
        self.model = model
        self.status = status


class TransientProviderError(ProviderError):
    """May succeed on retry. ``retry_after`` is the provider's Retry-After in seconds, if any."""

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        model: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, provider=provider, model=model, status=status)
        self.retry_after = retry_after


class CircuitOpenError(TransientProviderError):
    """The circuit breaker is open; the provider was not called."""


class PermanentProviderError(ProviderError):
    """Will fail again however often it is retried."""


__all__ = [
    "AdmissionRejected",
    "CircuitOpenError",
    "CliAgentError",
    "ConfigurationError",
    "DeadlineExceeded",
    "ExternalServiceError",
    "FileAccessError",
    "JulesApiError",
    "MemoryPressureError",
    "PermanentProviderError",
    "PromptTooLargeError",
    "ProviderError",
    "ShuttingDown",
    "StorageError",
    "StoreUnavailableError",
    "ThreadError",
    "ThreadExpiredError",
    "ThreadNotFoundError",
    "ThreadTurnLimitError",
    "ThreadUnreadableError",
    "ToolInputError",
    "TransientProviderError",
    "UnknownModelError",
    "ZenError",
]
