"""Turning what Azure OpenAI says went wrong into AgentKit errors a user can act on.

Azure answers errors as ``{"error": {"code", "message", ...}}``; the openai SDK raises them as
``openai.APIStatusError`` subclasses (``.status_code``, ``.body`` = the inner ``error`` object,
``.response``), which langchain-openai re-raises as subclasses of the same classes. A blocked
answer is not an error on the wire: the stream ends with ``finish_reason: "content_filter"``, and
:func:`check_chunk` turns that into ``ContentFiltered``.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

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
    translate_common,
)
from agentkit_azure_openai.settings import AzureOpenAISettings

AUTH_MESSAGE = (
    "Azure rejected the credentials (check AZURE_OPENAI_API_KEY or the Entra role "
    "'Cognitive Services OpenAI User')"
)
KEY_HINT = "Copy a key from the resource's 'Keys and Endpoint' page in the Azure portal."
ENTRA_HINT = (
    "Assign your identity the 'Cognitive Services OpenAI User' role on the resource "
    "(it can take a few minutes to apply), or sign in again with `az login`."
)
VERSION_HINT = (
    "Set AZURE_OPENAI_API_VERSION to a supported version (the default is 2024-10-21; reasoning "
    "models need 2024-12-01-preview or later), or use AZURE_OPENAI_API=v1."
)
DEPLOYMENT_PATH = re.compile(r"/openai/deployments/([^/]+)/")


def from_azure_error(
    status: int,
    body: Any,
    headers: Mapping[str, str] | None,
    settings: AzureOpenAISettings,
    *,
    deployment: str | None = None,
    api_version: str | None = None,
) -> AgentKitError:
    """The AgentKit error for an HTTP error answer from Azure OpenAI's data plane."""
    error = body.get("error", body) if isinstance(body, dict) else {}
    error = error if isinstance(error, dict) else {}
    code = str(error.get("code") or "")
    message = str(error.get("message") or f"HTTP {status}").strip()

    if status in (401, 403):
        hint = KEY_HINT if settings.auth_mode == "key" else ENTRA_HINT
        return AuthFailed(AUTH_MESSAGE, hint=f"{hint} Azure said: {message}", status_code=status)
    if code == "DeploymentNotFound":
        return ModelNotFound(
            f"The deployment {deployment or '(unknown)'!r} does not exist on the Azure OpenAI "
            f"resource {settings.resource_name!r}.",
            hint="Use a deployment name from the resource's Deployments page (not the model's "
            "name), set in AZURE_OPENAI_DEPLOYMENT or AZURE_OPENAI_DEPLOYMENTS. A new "
            "deployment can take a few minutes to appear.",
            status_code=status,
        )
    if status == 429:
        return RateLimited(
            f"Azure OpenAI is rate limiting requests: {message}",
            hint="Wait a moment, or raise the deployment's tokens-per-minute quota.",
            retry_after=retry_after(headers),
            status_code=status,
        )
    if "api version" in message.lower() or "api-version" in message.lower():
        return InvalidRequest(
            f"Azure does not accept API version {api_version or settings.api_version!r} "
            f"(AZURE_OPENAI_API_VERSION) for this request: {message}",
            hint=VERSION_HINT,
            status_code=status,
        )
    if status == 404:
        return InvalidRequest(
            f"Azure answered 404 {message!r} at {settings.endpoint}.",
            hint="Check AZURE_OPENAI_ENDPOINT (https://{resource}.openai.azure.com/) and "
            "AZURE_OPENAI_API_VERSION.",
            status_code=status,
        )
    if code == "content_filter":
        inner = error.get("innererror") if isinstance(error.get("innererror"), dict) else {}
        categories = filtered_categories(inner.get("content_filter_result"))
        return ContentFiltered(
            f"Azure's content filter blocked the prompt ({categories or 'no category given'}).",
            hint="Rephrase the message, or review the content filter of the deployment.",
            status_code=status,
        )
    if code == "context_length_exceeded":
        return ContextLengthExceeded(
            f"The conversation is too long for the model: {message}", status_code=status
        )
    if status == 400:
        return InvalidRequest(f"Azure OpenAI rejected the request: {message}", status_code=status)
    return from_status(status, f"Azure OpenAI answered HTTP {status}: {message}")


def translate_error(exc: BaseException, settings: AzureOpenAISettings) -> AgentKitError | None:
    """Map an exception raised while chatting or listing; ``None`` when it is not Azure's.

    The SDKs are looked up in ``sys.modules``: translating an unrelated error imports nothing.
    """
    azure_errors = sys.modules.get("azure.core.exceptions")
    if azure_errors is not None and isinstance(exc, azure_errors.ClientAuthenticationError):
        return credential_error(exc)
    openai = sys.modules.get("openai")
    if openai is None:
        return None
    if isinstance(exc, openai.APIStatusError):
        request = exc.response.request
        return from_azure_error(
            exc.status_code,
            exc.body,
            exc.response.headers,
            settings,
            deployment=_deployment_of(request),
            api_version=parse_qs(urlsplit(str(request.url)).query).get("api-version", [None])[0],
        )
    if isinstance(exc, openai.APITimeoutError):
        return UpstreamTimeout(f"Azure OpenAI did not answer in time ({settings.endpoint}).")
    if isinstance(exc, openai.APIConnectionError):
        underlying = translate_common(exc.__cause__) if exc.__cause__ else None
        if underlying is not None and underlying.code != "upstream_unavailable":
            return underlying  # the stream broke off or timed out; it was reachable
        return UpstreamUnavailable(
            f"Azure OpenAI is not reachable at {settings.endpoint}.",
            hint="Check AZURE_OPENAI_ENDPOINT and the network connection.",
        )
    if isinstance(exc, openai.APIError):  # an {"error": ...} event inside a 200 stream
        return stream_error(exc.body, exc.message)
    return None


def stream_error(body: Any, message: str) -> AgentKitError:
    """The error for an ``{"error": {...}}`` event Azure sent inside an answer's stream."""
    error = body if isinstance(body, dict) else {}
    code = str(error.get("code") or error.get("type") or "")
    if code == "content_filter":
        return ContentFiltered(
            f"Azure's content filter stopped the answer: {message}",
            hint="Rephrase the request, or review the content filter of the deployment.",
        )
    if code in ("rate_limit_exceeded", "429"):
        return RateLimited(f"Azure OpenAI is rate limiting requests: {message}")
    if code == "context_length_exceeded":
        return ContextLengthExceeded(f"The conversation is too long for the model: {message}")
    return UpstreamError(
        f"Azure OpenAI reported an error in the middle of its answer: {message}",
        hint="Try again; if it persists, check the resource's status in the Azure portal.",
    )


def credential_error(exc: BaseException) -> AuthFailed:
    """No Entra ID token could be had (no sign-in found, or the sign-in was refused)."""
    first_line = (str(getattr(exc, "message", None) or exc).strip().splitlines() or [""])[0]
    return AuthFailed(
        AUTH_MESSAGE,
        hint=f"No Entra ID token was issued: {first_line} Sign in with `az login` (or use a "
        "managed identity), or set AZURE_OPENAI_API_KEY.",
    )


def check_chunk(metadata: Mapping[str, Any]) -> None:
    """Raise ``ContentFiltered`` when a streamed chunk says Azure's filter stopped the answer."""
    if metadata.get("finish_reason") != "content_filter":
        return
    categories = filtered_categories(metadata.get("content_filter_results"))
    raise ContentFiltered(
        f"Azure's content filter blocked the answer ({categories or 'no category given'}).",
        hint="Rephrase the request, or review the content filter of the deployment.",
    )


def filtered_categories(results: Any) -> str:
    """``"violence: medium, jailbreak"`` from Azure's ``content_filter_result(s)`` object."""
    if not isinstance(results, dict):
        return ""
    named = []
    for category, verdict in results.items():
        if isinstance(verdict, dict) and verdict.get("filtered"):
            severity = verdict.get("severity")
            named.append(f"{category}: {severity}" if severity else category)
    return ", ".join(named)


def retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait: Azure's ``retry-after-ms`` when sent, else ``Retry-After``."""
    if headers is None:
        return None
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        try:
            return max(0.0, float(milliseconds) / 1000)
        except ValueError:
            pass
    return parse_retry_after(headers.get("retry-after"))


def _deployment_of(request: Any) -> str | None:
    """The deployment a request addressed: in the path (classic API) or as ``model`` (v1)."""
    match = DEPLOYMENT_PATH.search(request.url.path)
    if match:
        return unquote(match.group(1))
    try:
        body = json.loads(request.content or b"null")
    except (ValueError, RuntimeError):
        return None
    return body.get("model") if isinstance(body, dict) else None
