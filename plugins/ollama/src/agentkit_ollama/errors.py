"""Errors a user can act on, from what httpx and the ``ollama`` client raise.

The ``ollama`` client raises ``ollama.ResponseError`` (with ``status_code``) for an HTTP error
status, and for an ``{"error": ...}`` line inside a stream (``status_code`` -1). It drops the
response's headers, but raises the error while handling httpx's ``HTTPStatusError``, which stays
in the exception's context: ``Retry-After`` is read from there. A server that is down surfaces as
``ConnectionError`` from plain requests and as ``httpx.ConnectError`` from streamed ones
(``ChatOllama`` always streams).
"""

from __future__ import annotations

import re
import sys

import agentkit
from agentkit import AgentKitError
from agentkit_ollama.settings import display_url

# Ollama's words for a model that is not pulled: `model "x" not found, try pulling it first`
# from /api/chat, `model 'x' not found` from /api/show.
NOT_PULLED = re.compile(r"""model ["'](?P<name>[^"']+)["'] not found""")

AUTH_HINT = "Check OLLAMA_HEADERS or OLLAMA_API_KEY: the proxy in front of Ollama wants them."


def unreachable(url: str) -> agentkit.UpstreamUnavailable:
    """The error for an Ollama server that does not accept connections."""
    return agentkit.UpstreamUnavailable(
        f"Ollama is not reachable at {display_url(url)}; start it with `ollama serve` "
        "or set OLLAMA_BASE_URL."
    )


def not_pulled(name: str) -> agentkit.ModelNotFound:
    """The error for a model Ollama does not have locally."""
    return agentkit.ModelNotFound(
        f"Ollama does not have the model {name}; run `ollama pull {name}`.", status_code=404
    )


def from_response(
    status: int, error: str, url: str, retry_after: float | None = None
) -> AgentKitError:
    """The error for an HTTP ``status`` (or -1 for an error inside a stream) with Ollama's
    ``error`` text."""
    if status == 404 and (match := NOT_PULLED.search(error)):
        return not_pulled(match["name"])
    if status in (401, 403):
        return agentkit.AuthFailed(
            f"Ollama at {display_url(url)} refused the request (HTTP {status}).",
            hint=AUTH_HINT,
            status_code=status,
        )
    if status == 404:
        return agentkit.UpstreamError(
            f"{display_url(url)} answered HTTP 404 ({error}).",
            hint="Check that OLLAMA_BASE_URL points at an Ollama server.",
            retryable=False,
            status_code=404,
        )
    if status == -1:
        return agentkit.UpstreamError(f"Ollama failed mid-answer: {error}", retryable=False)
    return agentkit.from_status(
        status, f"Ollama answered HTTP {status}: {error}", retry_after=retry_after
    )


def translate(exc: BaseException, url: str) -> AgentKitError | None:
    """Map an exception from a chat or a listing to an ``AgentKitError``; ``None`` when it is
    not one of Ollama's (the host's generic mapping then tries)."""
    import httpx

    # An ollama error can only come from the client once it is imported; do not import it here.
    ollama = sys.modules.get("ollama")
    if ollama is not None and isinstance(exc, ollama.ResponseError):
        return from_response(exc.status_code, str(exc.error), url, _retry_after(exc))
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | ConnectionError):
        return unreachable(url)
    return None


def _retry_after(exc: BaseException) -> float | None:
    """``Retry-After`` of the HTTP error the ``ollama`` client was handling when it raised."""
    import httpx

    status_error = exc.__context__
    if isinstance(status_error, httpx.HTTPStatusError):
        return agentkit.parse_retry_after(status_error.response.headers.get("retry-after"))
    return None
