"""Turning what Gemini says went wrong into AgentKit errors a user can act on.

Gemini reports errors as ``{"error": {"code", "message", "status", "details"}}``; google-genai
raises them as ``google.genai.errors.APIError`` (``.code``, ``.status``, ``.message``,
``.details``), which LangChain re-raises as its own exception types with the original as
``__cause__``. Blocked prompts and answers are not errors on the wire: they arrive as chunks
whose metadata says so, and :func:`check_chunk` turns those into ``ContentFiltered``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Mapping
from typing import Any

from agentkit import (
    AgentKitError,
    AuthFailed,
    ContentFiltered,
    ContextLengthExceeded,
    InvalidRequest,
    ModelNotFound,
    RateLimited,
    UpstreamError,
    UpstreamTimeout,
    UpstreamUnavailable,
    from_status,
    parse_retry_after,
)

KEY_HINT = (
    "Check GEMINI_API_KEY (or GOOGLE_API_KEY); you can create a key at "
    "https://aistudio.google.com/apikey."
)
BLOCKING_FINISH_REASONS = frozenset(
    {"SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION", "IMAGE_SAFETY"}
)


def from_google_error(
    status: int, body: Any, headers: Mapping[str, str] | None = None
) -> AgentKitError:
    """The AgentKit error for an HTTP error answer from the Gemini API."""
    error = body.get("error", body) if isinstance(body, dict) else {}
    error = error if isinstance(error, dict) else {}
    message = str(error.get("message") or f"HTTP {status}").strip()
    google_status = str(error.get("status") or "")
    details = error.get("details") if isinstance(error.get("details"), list) else []
    reasons = {d.get("reason") for d in details if isinstance(d, dict)}

    if "API_KEY_INVALID" in reasons or status == 401:
        return AuthFailed(
            f"Gemini says the API key was rejected: {message}", hint=KEY_HINT, status_code=status
        )
    if status == 403:
        return AuthFailed(
            f"Gemini refused the request: {message}", hint=KEY_HINT, status_code=status
        )
    if status == 404:
        return ModelNotFound(
            f"Gemini does not have this model: {message}",
            hint="Pick a model listed by `agentkit models gemini`.",
            status_code=status,
        )
    if status == 429:
        return RateLimited(
            f"Gemini is rate limiting requests ({google_status or status}): {message}",
            hint="Wait a moment, or check your quota at https://ai.dev/usage.",
            retry_after=_retry_after(headers, details),
            status_code=status,
        )
    if status == 400 and _is_context_overflow(message):
        return ContextLengthExceeded(
            f"The conversation is too long for the model: {message}", status_code=status
        )
    if status == 400:
        return InvalidRequest(f"Gemini rejected the request: {message}", status_code=status)
    if status == 504:
        return UpstreamTimeout(f"Gemini did not answer in time: {message}", status_code=status)
    code = " ".join(filter(None, [str(status), google_status]))
    return from_status(status, f"Gemini answered HTTP {code}: {message}")


def translate_error(exc: BaseException) -> AgentKitError | None:
    """Map an exception raised while chatting with Gemini; ``None`` when it is not one of ours."""
    api_error = _find_api_error(exc)
    if api_error is not None:
        response = getattr(api_error, "response", None)
        headers = getattr(response, "headers", None)
        return from_google_error(int(api_error.code or 500), api_error.details, headers)
    return _transport_error(exc)


def check_chunk(metadata: Mapping[str, Any]) -> None:
    """Raise ``ContentFiltered`` when a chunk's response metadata says Gemini blocked the prompt
    (``prompt_feedback.block_reason``) or the answer (a blocking ``finish_reason``)."""
    feedback = metadata.get("prompt_feedback") or {}
    block_reason = _name(feedback.get("block_reason"))
    if block_reason and block_reason != "BLOCKED_REASON_UNSPECIFIED":
        detail = feedback.get("block_reason_message") or _blocked_categories(
            feedback.get("safety_ratings")
        )
        raise ContentFiltered(
            f"Gemini blocked the prompt ({_with_detail(block_reason, detail)}).",
            hint="Rephrase the message; Gemini's safety filter did not accept it.",
        )
    finish_reason = _name(metadata.get("finish_reason"))
    if finish_reason in BLOCKING_FINISH_REASONS:
        detail = metadata.get("finish_message") or _blocked_categories(
            metadata.get("safety_ratings")
        )
        raise ContentFiltered(
            f"Gemini blocked the answer ({_with_detail(finish_reason, detail)}).",
            hint="Rephrase the request; Gemini's safety filter stopped the answer.",
        )


def _find_api_error(exc: BaseException) -> Any:
    """The ``google.genai.errors.APIError`` in ``exc``'s cause chain, if any.

    Looked up in ``sys.modules`` so that translating an unrelated error never imports the SDK.
    """
    errors = sys.modules.get("google.genai.errors")
    if errors is None:
        return None
    return next((e for e in _chain(exc) if isinstance(e, errors.APIError)), None)


def _transport_error(exc: BaseException) -> AgentKitError | None:
    """Connection failures of httpx, which the plugin has google-genai use, or of httpx2, which
    google-genai picks when ``GOOGLE_GENAI_HTTP_CLIENT=httpx2``, in words about Gemini."""
    transport = sys.modules.get(type(exc).__module__.partition(".")[0])
    if transport is None or transport.__name__ not in ("httpx", "httpx2"):
        return None
    if isinstance(exc, transport.TimeoutException):
        return UpstreamTimeout("Gemini did not answer in time.")
    if isinstance(exc, transport.ConnectError):
        return UpstreamUnavailable(
            "Gemini could not be reached.", hint="Check the network, or GEMINI_BASE_URL if set."
        )
    if isinstance(exc, transport.TransportError):
        return UpstreamError("The connection to Gemini broke off mid-answer.", retryable=False)
    return None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _retry_after(headers: Mapping[str, str] | None, details: list[Any]) -> float | None:
    """Seconds to wait: the ``Retry-After`` header, else Google's ``RetryInfo.retryDelay``."""
    seconds = parse_retry_after(headers.get("retry-after")) if headers is not None else None
    if seconds is not None:
        return seconds
    for detail in details:
        if isinstance(detail, dict) and str(detail.get("@type", "")).endswith("RetryInfo"):
            match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)s\s*", str(detail.get("retryDelay", "")))
            if match:
                return float(match.group(1))
    return None


def _is_context_overflow(message: str) -> bool:
    lowered = message.lower()
    return "exceeds the maximum number of tokens" in lowered or "token limit" in lowered


def _name(value: Any) -> str | None:
    """An enum's value or a plain string (google-genai hands back enums in metadata)."""
    if value is None:
        return None
    return str(getattr(value, "value", value)) or None


def _blocked_categories(ratings: Any) -> str | None:
    blocked = [
        _name(r.get("category")) for r in ratings or [] if isinstance(r, dict) and r.get("blocked")
    ]
    return ", ".join(c for c in blocked if c) or None


def _with_detail(reason: str, detail: str | None) -> str:
    return f"{reason}: {detail}" if detail else reason
