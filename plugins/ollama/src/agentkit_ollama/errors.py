"""What only Ollama says: a model that is not pulled, a server that is not Ollama, and an error
line inside a stream. The rest (unreachable, 401, 429 with Retry-After, 5xx, 504) is the host's
generic mapping, worded with the hints ``OllamaProvider`` declares.

The ``ollama`` client raises ``ollama.ResponseError`` (``status_code``, ``error``) for an error
status, and for an ``{"error": ...}`` line inside a stream (``status_code`` -1); the lister's own
requests raise ``httpx.HTTPStatusError``. ``agentkit.translation.error_answer`` reads both.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING

import agentkit
from agentkit import AgentKitError
from agentkit.translation import error_answer, read_error_body
from agentkit_ollama.settings import display_url

if TYPE_CHECKING:
    from agentkit import Provider

# Ollama's words for a model that is not pulled: `model "x" not found, try pulling it first`
# from /api/chat, `model 'x' not found` from /api/show.
NOT_PULLED = re.compile(r"""model ["'](?P<name>[^"']+)["'] not found""")


def not_pulled(name: str) -> agentkit.ModelNotFound:
    """The error for a model Ollama does not have locally."""
    return agentkit.ModelNotFound(
        f"Ollama does not have the model {name}; run `ollama pull {name}`.", status_code=404
    )


def translate(exc: BaseException, provider: Provider) -> AgentKitError | None:
    """Ollama's own errors; ``None`` for the host's generic mapping."""
    ollama = sys.modules.get("ollama")  # only there once a chat has imported it
    if ollama is not None and isinstance(exc, ollama.ResponseError) and exc.status_code == -1:
        return agentkit.from_response(None, str(exc.error), None, provider)
    answer = error_answer(exc)
    if answer is None or answer.status != 404:
        return None
    text = read_error_body(answer.body)[0]
    if match := NOT_PULLED.search(text):
        return not_pulled(match["name"])
    return agentkit.UpstreamError(
        f"{display_url(provider.endpoint or '')} answered HTTP 404 ({text[:200]}).",
        hint="Check that OLLAMA_BASE_URL points at an Ollama server.",
        retryable=False,
        status_code=404,
    )
