"""AgentKit's error hierarchy.

Every failure a user can see carries a stable ``code`` from one small set, shared by all providers.
``agentkit.translation`` turns whatever a provider raises into these classes (the provider's
``translate_error`` first, then a generic mapping); the host answers them as an HTTP error before a
stream starts and as an AG-UI ``RUN_ERROR`` after.

    AgentKitError                    internal_error
    ├── InvalidRequest               invalid_request
    │   └── UnsupportedMedia         (unsupported_media, 422 before the stream)
    ├── AuthFailed                   auth_failed
    ├── ModelNotFound                model_not_found
    ├── RateLimited                  rate_limited            (retried)
    ├── ContentFiltered              content_filtered
    ├── ContextLengthExceeded        context_length_exceeded
    ├── UpstreamUnavailable          upstream_unavailable
    ├── UpstreamTimeout              upstream_timeout
    ├── UpstreamError                upstream_error          (retried)
    ├── NoAnswer                     no_answer               the model thought, then said nothing
    └── HTTPProblem                  (its own code)          an HTTP error before any stream
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping

ERROR_CODES: dict[str, str] = {
    "invalid_request": "The request was not valid for this provider or model.",
    "auth_failed": "The provider rejected the credentials.",
    "model_not_found": "The provider does not have the requested model.",
    "rate_limited": "The provider is rate limiting requests; try again later.",
    "content_filtered": "The provider's content filter blocked the prompt or the answer.",
    "context_length_exceeded": "The conversation is too long for the model's context window.",
    "upstream_unavailable": "The provider could not be reached.",
    "upstream_timeout": "The provider did not answer in time.",
    "upstream_error": "The provider answered with an error.",
    "no_answer": "The model thought but gave no answer.",
    "internal_error": "AgentKit failed unexpectedly.",
}
"""Every stable error code, with what it means. Documented in docs/errors.md."""


class AgentKitError(Exception):
    """Base of every error AgentKit reports to a user.

    ``message`` is a sentence for a person; ``hint`` says what they can do about it.
    ``retryable`` marks errors the core's retry loop may retry before the first token.
    """

    code: str = "internal_error"
    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        retryable: bool | None = None,
        retry_after: float | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        if retryable is not None:
            self.retryable = retryable
        self.retry_after = retry_after
        self.status_code = status_code

    def to_dict(self) -> dict[str, str]:
        """The JSON form used in HTTP error bodies."""
        body = {"code": self.code, "message": self.message}
        if self.hint:
            body["hint"] = self.hint
        return body


class InvalidRequest(AgentKitError):
    code = "invalid_request"


class UnsupportedMedia(InvalidRequest):
    """A media part the provider or the chosen model cannot take. Raised before the run (by the
    host's checks or a provider's ``check_messages``), it is a 422 ``unsupported_media``."""


class AuthFailed(AgentKitError):
    code = "auth_failed"


class ModelNotFound(AgentKitError):
    code = "model_not_found"


class RateLimited(AgentKitError):
    code = "rate_limited"
    retryable = True


class ContentFiltered(AgentKitError):
    code = "content_filtered"


class ContextLengthExceeded(AgentKitError):
    code = "context_length_exceeded"


class UpstreamUnavailable(AgentKitError):
    code = "upstream_unavailable"


class UpstreamTimeout(AgentKitError):
    code = "upstream_timeout"


class UpstreamError(AgentKitError):
    code = "upstream_error"
    retryable = True


class NoAnswer(AgentKitError):
    """A reasoning model thought and then gave neither text nor a tool call, usually because
    thinking used up the token limit."""

    code = "no_answer"


class HTTPProblem(AgentKitError):
    """An error the host answers with an HTTP status and a JSON body before any stream starts:
    ``{"error": {"code", "message", "hint"?, ...extra}}``. Its codes are those of docs/errors.md's
    HTTP table (``invalid_body``, ``unauthorized``...), not run error codes."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        hint: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        **extra: object,
    ) -> None:
        super().__init__(message, hint=hint, status_code=status)
        self.status, self.code, self.headers, self.extra = status, code, headers, extra

    def body(self) -> dict[str, dict[str, object]]:
        return {"error": {**self.to_dict(), **self.extra}}


def from_status(
    status: int, message: str, *, retry_after: float | None = None, hint: str | None = None
) -> AgentKitError:
    """Map an upstream HTTP status to the matching error class.

    Plugins call this when their SDK exposes a status code but they have nothing more specific.
    A gateway or request timeout (504, 408) is ``upstream_timeout`` and, like a 5xx, retried
    before the first token.
    """
    if status in (408, 504):
        return UpstreamTimeout(
            message, hint=hint, retry_after=retry_after, status_code=status, retryable=True
        )
    if status in (401, 403):
        cls: type[AgentKitError] = AuthFailed
    elif status == 404:
        cls = ModelNotFound
    elif status == 413:
        cls = ContextLengthExceeded
    elif status == 429:
        cls = RateLimited
    elif 400 <= status < 500:
        cls = InvalidRequest
    else:
        cls = UpstreamError
    return cls(message, hint=hint, retry_after=retry_after, status_code=status)


def retry_after_of(headers: Mapping[str, str] | None) -> float | None:
    """Seconds the server asked to wait: ``retry-after-ms`` (Azure, OpenAI) when sent, else
    ``Retry-After``."""
    if not headers:
        return None
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        try:
            return max(0.0, float(milliseconds) / 1000)
        except ValueError:
            pass
    return parse_retry_after(headers.get("retry-after"))


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
