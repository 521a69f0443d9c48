"""Turning whatever a provider raises into the error a user sees: one path, for chat and listing.

    translate(exc, provider, plugin)
      1. an ``AgentKitError`` is itself;
      2. the provider's ``translate_error``, for what only it knows (Azure's DeploymentNotFound,
         Gemini's API_KEY_INVALID, Ollama's "not pulled");
      3. the generic mapping, ``translate_common``, walking the exception's cause chain:
         - httpx and httpx2 transport errors: unreachable, timed out, broken off mid-answer;
         - HTTP error answers, raised by httpx or an SDK (``status_code`` or ``code``, with a body
           and headers): ``from_response``;
         - malformed JSON, bytes that are not text;
      4. a data error raised inside the SDK or the LangChain integration while it read the answer
         (``KeyError``, ``TypeError``, a validation error), or LangChain's "no chunks": the answer
         could not be read, ``upstream_error``;
      5. anything else: ``internal_error``, logged with its traceback. A ``translate_error`` that
         raises is the plugin's fault, and the message says whose.

``from_response`` reads an error answer as services write them, so that plugins need not:
``{"error": {"message", "code" | "status" | "type"}}``, ``{"error": "text"}``, the inner object
alone, or plain text; ``retry-after-ms`` and ``Retry-After``; context-length and content-filter
signals, which decide the code before the status does. Messages name the provider, and hints come
from what it declares (``Provider.auth_hint``, ``Provider.unreachable_hint``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agentkit.errors import (
    AgentKitError,
    ContentFiltered,
    ContextLengthExceeded,
    RateLimited,
    UpstreamError,
    UpstreamTimeout,
    UpstreamUnavailable,
    from_status,
    retry_after_of,
)
from agentkit.redaction import mask_url_credentials

if TYPE_CHECKING:
    from agentkit.provider import Provider

logger = logging.getLogger("agentkit.errors")

MESSAGE_LIMIT = 500
"""Characters of a service's own message kept in ours (redaction runs on the whole first)."""

OVERFLOW_WORDS = (
    "context length",
    "context_length",
    "context window",
    "maximum number of tokens",
    "token limit",
    "too many tokens",
    "prompt is too long",
)
"""How services say the conversation does not fit (OpenAI, Azure, Gemini, vLLM, llama.cpp)."""

RATE_LIMIT_CODES = frozenset({"rate_limit_exceeded", "429", "RESOURCE_EXHAUSTED"})

NO_CHUNKS = "No generation chunks were returned"
"""What LangChain's ``astream`` raises (a ``ValueError``) when the model streamed nothing."""

_NEUTRAL = {"pydantic", "pydantic_core", "typing_extensions", "json", "codecs"}
"""Libraries that raise on behalf of their caller: a traceback is judged by the frame below."""


def translate(
    exc: BaseException, provider: Provider, plugin: str, *, listing: bool = False
) -> AgentKitError:
    """Any exception from a provider's code, as the ``AgentKitError`` a user sees (see above).
    While ``listing``, a 404 means the provider's address is wrong, not that a model is missing."""
    if isinstance(exc, AgentKitError):
        error: AgentKitError | None = exc
    else:
        try:
            error = provider.translate_error(exc)
        except Exception as fault:
            return plugin_fault(plugin, "translate_error", fault)
        if not isinstance(error, AgentKitError):
            error = translate_common(exc, provider) or _unreadable_answer(exc, provider)
    if error is None:
        logger.error("%s: unexpected %s", provider.name, type(exc).__name__, exc_info=exc)
        return AgentKitError(f"{provider.name} failed unexpectedly; see the host's log.")
    if listing and error.code == "model_not_found":
        where = f" at {_address(provider)}" if _address(provider) else ""
        return UpstreamError(
            f"{provider.name} has no model list{where} (HTTP 404): {error.message}",
            hint=provider.unreachable_hint or "Check the provider's URL setting.",
            retryable=False,
        )
    return error


def translate_common(exc: BaseException, provider: Provider | None = None) -> AgentKitError | None:
    """The generic mapping of ``exc`` (step 3 above), worded for ``provider``; ``None`` when
    nothing in its cause chain is known."""
    for link in cause_chain(exc):
        error = _translate_one(link, exc, provider)
        if error is not None:
            return error
    return None


def from_response(
    status: int | None,
    body: Any,
    headers: Mapping[str, str] | None = None,
    provider: Provider | None = None,
) -> AgentKitError:
    """The error for an error answer: HTTP ``status`` (``None`` for an error sent inside a 200
    stream) with ``body`` (parsed JSON, or text) and ``headers``."""
    service = _service(provider)
    message, code = read_error_body(body)
    detail = f": {message[:MESSAGE_LIMIT]}" if message else "."
    retry_after = retry_after_of(headers)
    if code == "content_filter":
        return ContentFiltered(
            f"{service}'s content filter blocked the request{detail}",
            hint="Rephrase the message.",
            status_code=status,
        )
    if code == "context_length_exceeded" or any(w in message.lower() for w in OVERFLOW_WORDS):
        return ContextLengthExceeded(
            f"The conversation is too long for the model{detail}",
            hint="Start a new conversation, or choose a model with a longer context.",
            status_code=status,
        )
    if status is None:
        if code in RATE_LIMIT_CODES:
            return RateLimited(
                f"{service} is rate limiting requests{detail}", retry_after=retry_after
            )
        return UpstreamError(
            f"{service} reported an error in the middle of its answer{detail}",
            hint="Try again; if it persists, the service's status page or log says more.",
        )
    return from_status(
        status,
        f"{service} answered HTTP {status}{detail}",
        retry_after=retry_after,
        hint=_hint(status, provider),
    )


def read_error_body(body: Any) -> tuple[str, str]:
    """``(message, code)`` of an error body in any of the usual envelopes; empty when absent.
    The code is the envelope's ``code``, else its ``status`` or ``type``."""
    if isinstance(body, bytes | bytearray):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return body.strip(), ""
    error = body.get("error", body) if isinstance(body, dict) else body
    if isinstance(error, str):
        return error.strip(), ""
    if not isinstance(error, dict):
        return "", ""
    code = error.get("code") or error.get("status") or error.get("type") or ""
    return str(error.get("message") or "").strip(), str(code)


def plugin_fault(plugin: str, where: str, exc: BaseException) -> AgentKitError:
    """The error for a plugin's code that raised where it must not: a bug in the plugin, logged
    with its traceback and named in the message, so the user knows whose it is."""
    logger.error("plugin %s: %s raised %s", plugin, where, type(exc).__name__, exc_info=exc)
    return AgentKitError(
        f"The plugin {plugin} failed in {where} ({type(exc).__name__}); the host's log has "
        "the details.",
        hint="Report it to the plugin's authors, or disable it with AGENTKIT_DISABLE_PLUGINS.",
    )


def _translate_one(
    link: BaseException, whole: BaseException, provider: Provider | None
) -> AgentKitError | None:
    service = _service(provider)
    if isinstance(link, AgentKitError):
        return link
    for transport in _transports():
        if isinstance(link, transport.ConnectError | transport.ConnectTimeout):
            return unreachable(provider)
        if isinstance(link, transport.TimeoutException):
            return UpstreamTimeout(f"{service} did not answer in time.")
        if isinstance(link, transport.RemoteProtocolError | transport.ReadError):
            return UpstreamError(
                f"The connection to {service} broke off mid-answer.", retryable=False
            )
        if isinstance(link, transport.DecodingError):
            return _unreadable(service, "it could not be decoded")
    if isinstance(link, json.JSONDecodeError):
        return _unreadable(service, "it was not valid JSON")
    if isinstance(link, UnicodeDecodeError):
        return _unreadable(service, "it held bytes that are not text")
    if isinstance(link, asyncio.TimeoutError | TimeoutError):
        return UpstreamTimeout(f"{service} did not answer in time.")
    if isinstance(link, ConnectionError):
        return unreachable(provider)
    answer = _answer_of(link, whole)
    if answer is not None:
        return from_response(answer.status, answer.body, answer.headers, provider)
    return None


@dataclass
class ErrorAnswer:
    """An HTTP error answer an exception carries: status, body (parsed JSON or text), headers,
    and the request it answered (an httpx or httpx2 request, when the SDK kept it)."""

    status: int
    body: Any
    headers: Mapping[str, str]
    request: Any = None

    @property
    def url(self) -> str:
        return str(getattr(self.request, "url", "") or "")


def error_answer(exc: BaseException) -> ErrorAnswer | None:
    """The first HTTP error answer in ``exc``'s cause chain: httpx's ``HTTPStatusError``, or an
    SDK's error with a ``status_code`` (or ``code``) and the body in ``body``, ``details`` or
    ``error``. A plugin's ``translate_error`` reads its service's own words from it."""
    for link in cause_chain(exc):
        answer = _answer_of(link, exc)
        if answer is not None:
            return answer
    return None


def _answer_of(link: BaseException, whole: BaseException) -> ErrorAnswer | None:
    status = getattr(link, "status_code", None) or getattr(link, "code", None)
    response = getattr(link, "response", None)
    if (
        not isinstance(status, int)
        and response is not None
        and type(link).__name__ == ("HTTPStatusError")
    ):
        status = response.status_code
    if not isinstance(status, int) or not 400 <= status < 600:
        return None
    try:
        request = response.request if response is not None else None
    except (AttributeError, RuntimeError):  # a response without its request
        request = None
    return ErrorAnswer(status, _body_of(link), _headers_in(whole) or {}, request)


def unreachable(provider: Provider | None) -> UpstreamUnavailable:
    """The error for a service that does not accept connections."""
    service = _service(provider)
    where = f" at {_address(provider)}" if _address(provider) else ""
    hint = provider.unreachable_hint if provider is not None else None
    return UpstreamUnavailable(
        f"{service} could not be reached{where}.",
        hint=hint or "Check that the service is up and that the provider's URL setting is right.",
    )


def _hint(status: int, provider: Provider | None) -> str | None:
    if status in (401, 403):
        return provider.auth_hint if provider is not None else None
    if status == 404 and provider is not None:
        return f"Pick a model listed by `agentkit models {provider.id}`."
    if status == 429:
        return "Wait a moment, or check the provider's quota."
    return None


def _body_of(exc: BaseException) -> Any:
    """What an SDK's error carries of the error body: ``body`` (openai), ``details``
    (google-genai), ``error`` (ollama), else the response's text."""
    for name in ("body", "details", "error"):
        value = getattr(exc, name, None)
        if value:
            return value
    response = getattr(exc, "response", None)
    try:
        return response.text if response is not None else None
    except Exception:  # a streamed response not read yet
        return None


def _headers_in(exc: BaseException) -> Mapping[str, str] | None:
    """The response headers of the first error in the chain that has them (an SDK may drop
    them and raise while handling httpx's error, which keeps them)."""
    for link in cause_chain(exc):
        headers = getattr(getattr(link, "response", None), "headers", None)
        if headers is not None:
            return headers
    return None


def _unreadable(service: str, why: str) -> UpstreamError:
    return UpstreamError(
        f"{service}'s answer could not be read: {why}.",
        hint="A proxy between AgentKit and the service may have changed the answer; "
        "if it persists, the service's log says more.",
    )


def _unreadable_answer(exc: BaseException, provider: Provider) -> AgentKitError | None:
    """``upstream_error`` for an answer the integration could not take in (step 4 above). The
    same error raised in the plugin's own code, or in AgentKit's, is a bug there: ``None``."""
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


def _address(provider: Provider | None) -> str | None:
    """The provider's endpoint for a message, without credentials."""
    endpoint = provider.endpoint if provider is not None else None
    return mask_url_credentials(endpoint) if endpoint else None


def _service(provider: Provider | None) -> str:
    return provider.name if provider is not None else "The provider"


def _transports() -> list:
    """httpx, and httpx2 when an SDK has loaded it (google-genai and openai 3.x use it)."""
    import httpx  # imported on first failure, not at start-up

    return [httpx, sys.modules["httpx2"]] if "httpx2" in sys.modules else [httpx]


def cause_chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and the exceptions it was raised from or while handling, each once (SDKs wrap
    the error that tells what happened)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__
