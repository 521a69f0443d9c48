"""What only Ollama says: a model that is not pulled, a server that is not Ollama, images sent to a
model that cannot see or that are not images, and an error line inside a stream. The rest
(unreachable, 401, 429 with Retry-After, 5xx, 504) is the host's generic mapping, worded with the
hints ``OllamaProvider`` declares.

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

# Since 0.30 Ollama runs every GGUF model in llama-server and passes llama-server's error body on
# as its own error text (llm/llama_server.go ``statusErrorMessage``): a JSON envelope
# ``{"error": {"code", "message", "type"}}`` inside Ollama's ``{"error": "..."}``. For images
# sent to a model without a vision projector llama-server says one of these (400 from
# ``/completion``, which most models use; 500 from its chat endpoint, which the others use):
NO_VISION = ("does not support multimodal requests", "image input is not supported")
# and for bytes it cannot decode as an image (400):
NOT_AN_IMAGE = "Failed to load image or audio file"


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
    if answer is None:
        return None
    text = read_error_body(answer.body)[0]
    inner = read_error_body(text)[0] or text  # llama-server's envelope inside Ollama's
    if any(words in inner for words in NO_VISION):
        return agentkit.InvalidRequest(
            f"The model cannot take images: Ollama answered {inner[:200]!r}.",
            hint="Pick a model whose capabilities include vision (GET /models), or leave the "
            "images out.",
            status_code=400,
        )
    if NOT_AN_IMAGE in inner:
        return agentkit.InvalidRequest(
            f"Ollama could not read an image: it answered {inner[:200]!r}.",
            hint="Send the image as PNG or JPEG data, and check that its mimeType matches.",
            status_code=400,
        )
    if answer.status != 404:
        return None
    if match := NOT_PULLED.search(text):
        return not_pulled(match["name"])
    return agentkit.UpstreamError(
        f"{display_url(provider.endpoint or '')} answered HTTP 404 ({text[:200]}).",
        hint="Check that OLLAMA_BASE_URL points at an Ollama server.",
        retryable=False,
        status_code=404,
    )
