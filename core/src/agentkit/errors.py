"""AgentKit's error hierarchy.

Every failure a user can see carries a stable ``code`` from one small set, shared by all providers.
Plugins translate their SDK's exceptions into these classes (see ``Provider.translate_error``); the
host turns them into an HTTP error before a stream starts and an AG-UI ``RUN_ERROR`` after.

    AgentKitError                    internal_error
    ├── InvalidRequest               invalid_request
    ├── AuthFailed                   auth_failed
    ├── ModelNotFound                model_not_found
    ├── RateLimited                  rate_limited            (retried)
    ├── ContentFiltered              content_filtered
    ├── ContextLengthExceeded        context_length_exceeded
    ├── UpstreamUnavailable          upstream_unavailable
    ├── UpstreamTimeout              upstream_timeout
    └── UpstreamError                upstream_error          (retried)
"""

from __future__ import annotations

import asyncio
import email.utils
import sys
import time

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


def from_status(
    status: int, message: str, *, retry_after: float | None = None, hint: str | None = None
) -> AgentKitError:
    """Map an upstream HTTP status to the matching error class.

    Plugins call this when their SDK exposes a status code but they have nothing more specific.
    """
    if status in (401, 403):
        cls: type[AgentKitError] = AuthFailed
    elif status == 404:
        cls = ModelNotFound
    elif status == 408:
        cls = UpstreamTimeout
    elif status == 413:
        cls = ContextLengthExceeded
    elif status == 429:
        cls = RateLimited
    elif 400 <= status < 500:
        cls = InvalidRequest
    else:
        cls = UpstreamError
    return cls(message, hint=hint, retry_after=retry_after, status_code=status)


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


def translate_common(exc: BaseException) -> AgentKitError | None:
    """Map exceptions every HTTP-based SDK raises: httpx and httpx2 transport errors, timeouts,
    and errors that carry an HTTP status. SDKs wrap these, so the whole cause chain is searched.

    Used after the provider's own ``translate_error`` had nothing to say.
    """
    for link in _chain(exc):
        error = _translate_one(link)
        if error is not None:
            return error
    return None


def _translate_one(exc: BaseException) -> AgentKitError | None:
    if isinstance(exc, AgentKitError):
        return exc
    for transport in _transports():
        if isinstance(exc, transport.TimeoutException):
            return UpstreamTimeout("The provider did not answer in time.")
        if isinstance(exc, transport.ConnectError):
            return UpstreamUnavailable("The provider could not be reached.")
        if isinstance(exc, transport.RemoteProtocolError | transport.ReadError):
            return UpstreamError(
                "The connection to the provider broke off mid-answer.", retryable=False
            )
        if isinstance(exc, transport.HTTPStatusError):
            response = exc.response
            return from_status(
                response.status_code,
                f"The provider answered HTTP {response.status_code}.",
                retry_after=parse_retry_after(response.headers.get("retry-after")),
            )
    if isinstance(exc, asyncio.TimeoutError | TimeoutError):
        return UpstreamTimeout("The provider did not answer in time.")
    if isinstance(exc, ConnectionError):
        return UpstreamUnavailable("The provider could not be reached.")
    status = getattr(exc, "status_code", None) or getattr(exc, "code", None)
    if isinstance(status, int) and 400 <= status < 600:
        response = getattr(exc, "response", None)
        headers = getattr(response, "headers", None) or {}
        return from_status(
            status,
            f"The provider answered HTTP {status}.",
            retry_after=parse_retry_after(headers.get("retry-after")),
        )
    return None


def _transports() -> list:
    """httpx, and httpx2 when an SDK has loaded it (google-genai and openai 3.x use it)."""
    import httpx  # imported on first failure, not at start-up

    return [httpx, sys.modules["httpx2"]] if "httpx2" in sys.modules else [httpx]


def _chain(exc: BaseException):
    """``exc`` and the exceptions it was raised from, each once."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__
