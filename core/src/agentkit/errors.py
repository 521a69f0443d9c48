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
    ├── UpstreamError                upstream_error          (retried)
    └── HTTPProblem                  (its own code)          an HTTP error before any stream
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agentkit.provider import Provider

logger = logging.getLogger("agentkit.errors")

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
        if isinstance(exc, transport.DecodingError):
            return _unreadable("its answer could not be decoded")
        if isinstance(exc, transport.HTTPStatusError):
            response = exc.response
            return from_status(
                response.status_code,
                f"The provider answered HTTP {response.status_code}.",
                retry_after=parse_retry_after(response.headers.get("retry-after")),
            )
    if isinstance(exc, json.JSONDecodeError):
        return _unreadable("it sent malformed JSON")
    if isinstance(exc, UnicodeDecodeError):
        return _unreadable("it sent bytes that are not text")
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


def _unreadable(why: str) -> UpstreamError:
    return UpstreamError(
        f"The provider's answer could not be read: {why}.",
        hint="A proxy between AgentKit and the provider may have changed the answer; "
        "if it persists, the provider's log says more.",
    )


def translate(exc: BaseException, provider: Provider, plugin: str) -> AgentKitError:
    """Any exception from a provider's code, as the ``AgentKitError`` a user sees.

    The error itself when it already is one, else the provider's ``translate_error``, else the
    generic mapping (``translate_common``). What nothing recognises is ``internal_error``, logged
    with its traceback: only the host's log can explain it. A ``translate_error`` that raises is a
    fault of the plugin, reported as such.
    """
    if isinstance(exc, AgentKitError):
        return exc
    try:
        error = provider.translate_error(exc)
    except Exception as fault:
        return plugin_fault(plugin, "translate_error", fault)
    if not isinstance(error, AgentKitError):
        error = translate_common(exc) or _unreadable_answer(exc, provider)
    if error is None:
        logger.error("%s: unexpected %s", provider.name, type(exc).__name__, exc_info=exc)
        error = AgentKitError(f"{provider.name} failed unexpectedly; see the host's log.")
    return error


NO_CHUNKS = "No generation chunks were returned"
"""What LangChain's ``astream`` raises (a ``ValueError``) when the model streamed nothing."""

_NEUTRAL = {"pydantic", "pydantic_core", "typing_extensions", "json", "codecs"}
"""Libraries that raise on behalf of their caller: a traceback is judged by the frame below."""


def _unreadable_answer(exc: BaseException, provider: Provider) -> AgentKitError | None:
    """``upstream_error`` for an answer the integration could not take in: LangChain's "no
    chunks", or a data error (``KeyError``, ``TypeError``, a validation error...) raised inside
    the SDK or the LangChain integration while reading the answer. The same error raised in the
    plugin's own code, or in AgentKit's, is a bug there, and stays unknown."""
    if isinstance(exc, ValueError) and str(exc) == NO_CHUNKS:
        return UpstreamError(f"{provider.name} returned an empty answer.", retryable=False)
    if not isinstance(exc, LookupError | TypeError | AttributeError | ValueError):
        return None
    raised_in = _raised_in(exc)
    own = {"agentkit", type(provider).__module__.partition(".")[0]}
    if raised_in is None or raised_in in own or raised_in in sys.stdlib_module_names:
        return None
    logger.warning(
        "%s: its answer could not be read (%s in %s)",
        provider.name,
        type(exc).__name__,
        raised_in,
        exc_info=exc,
    )
    return UpstreamError(
        f"{provider.name}'s answer could not be read: {type(exc).__name__}: {exc}"[:300],
        hint="The service, or a proxy in front of it, answered in a form the provider's client "
        "does not know; if it persists, the host's log has the details.",
        retryable=False,
    )


def _raised_in(exc: BaseException) -> str | None:
    """The top-level package of the innermost frame that raised ``exc``, passing over
    libraries that raise for their caller (pydantic, json)."""
    frames = []
    trace = exc.__traceback__
    while trace is not None:
        frames.append(trace.tb_frame.f_globals.get("__name__", ""))
        trace = trace.tb_next
    for module in reversed(frames):
        package = module.partition(".")[0]
        if package and package not in _NEUTRAL:
            return package
    return None


def plugin_fault(plugin: str, where: str, exc: BaseException) -> AgentKitError:
    """The error for a plugin's code that raised where it must not: a bug in the plugin, logged
    with its traceback and named in the message, so the user knows whose it is."""
    logger.error("plugin %s: %s raised %s", plugin, where, type(exc).__name__, exc_info=exc)
    return AgentKitError(
        f"The plugin {plugin} failed in {where} ({type(exc).__name__}); the host's log has "
        "the details.",
        hint="Report it to the plugin's authors, or disable it with AGENTKIT_DISABLE_PLUGINS.",
    )


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
