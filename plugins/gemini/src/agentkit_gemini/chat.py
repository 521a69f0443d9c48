"""Building the LangChain chat model for a Gemini model: ``ChatGoogleGenerativeAI``, imported
here and not at plugin import, because importing it takes about a second."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any

from agentkit import ChatParams
from agentkit_gemini.listing import API_VERSION
from agentkit_gemini.settings import GeminiSettings

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage
    from langchain_google_genai import ChatGoogleGenerativeAI

    from agentkit.http import SharedTransport


def build_chat_model(
    settings: GeminiSettings,
    model: str,
    params: ChatParams,
    transport: SharedTransport,
    thinking: dict[str, Any] | None = None,
) -> ChatGoogleGenerativeAI:
    """A Gemini chat model with the request's parameters and no SDK retries (the host retries).

    Unset parameters are passed as ``None`` so Gemini's own defaults apply (LangChain would
    otherwise send its default temperature of 0.7). ``thinking`` is the ``{"thinkingConfig":
    {...}}`` to send (``agentkit_gemini.reasoning``), given to the integration field by field;
    with ``include_thoughts`` its chunks carry the thoughts as reasoning content blocks.
    google-genai builds its sync and async httpx clients from the one ``client_args``, on the
    provider's shared ``transport`` (which also makes it use httpx when aiohttp is installed, and
    bounds the connect time it leaves unbounded).
    """
    from agentkit.http import tls_context  # without one, google-genai loads the CA bundle again

    config = (thinking or {}).get("thinkingConfig", {})
    return gemini_chat_class()(
        model=model,
        google_api_key=settings.api_key,
        base_url=settings.base_url,
        api_version=API_VERSION,
        vertexai=False,
        max_retries=0,
        temperature=params.temperature,
        max_output_tokens=params.max_tokens,
        top_p=params.top_p,
        stop=params.stop,
        seed=params.seed,
        include_thoughts=config.get("includeThoughts"),
        thinking_budget=config.get("thinkingBudget"),
        thinking_level=config.get("thinkingLevel"),
        client_args={"transport": transport, "verify": tls_context(), "ssl": tls_context()},
    )


@cache
def gemini_chat_class() -> type[ChatGoogleGenerativeAI]:
    """``ChatGoogleGenerativeAI``, with file handles put the way Gemini takes them (see
    :func:`file_handles_for_gemini`). Made once, on the first build."""
    from langchain_google_genai import ChatGoogleGenerativeAI

    class GeminiChat(ChatGoogleGenerativeAI):
        def _prepare_request(self, messages: list[BaseMessage], **kwargs: Any) -> dict[str, Any]:
            return super()._prepare_request(file_handles_for_gemini(messages), **kwargs)

    return GeminiChat


FILES_URI = "https://generativelanguage.googleapis.com/v1beta/files/"
"""Where the Files API's files live: a file's ``uri`` is this and its id (the real service's
address even behind a proxy or gateway, since Gemini checks the uri, not who sent it)."""

FILE_NAME = re.compile(r"files/[a-z0-9-]+")
"""A Files API file's ``name`` (``files/abc123``), which ``files.upload`` answers beside its
``uri``."""


def file_handles_for_gemini(messages: list[BaseMessage]) -> list[BaseMessage]:
    """``messages`` with each ``file_id`` block (a Files API file) as Gemini takes it in
    ``fileData``: langchain-google-genai's ``_convert_to_parts`` passes the handle on as the
    ``fileUri`` unchanged, and

    - a file's ``name`` (``files/abc123``) becomes its ``uri``, the only form ``fileUri`` takes;
    - a document with no ``mime_type`` is sent without one, as image, audio and video handles
      are, so that Gemini uses the type the file was uploaded with (the integration would send
      ``application/octet-stream``, a type Gemini refuses).
    """
    fixed = []
    for message in messages:
        content = message.content
        if isinstance(content, list) and any(_file_handle(block) for block in content):
            blocks = [_for_gemini(b) if _file_handle(b) else b for b in content]
            message = message.model_copy(update={"content": blocks})
        fixed.append(message)
    return fixed


def _file_handle(block: Any) -> bool:
    return isinstance(block, dict) and isinstance(block.get("file_id"), str)


def _for_gemini(block: dict[str, Any]) -> dict[str, Any]:
    handle = block["file_id"]
    fixed = {**block}
    if FILE_NAME.fullmatch(handle):
        fixed["file_id"] = FILES_URI + handle.removeprefix("files/")
    if block.get("type") == "file" and not block.get("mime_type"):
        fixed["mime_type"] = None
    return fixed
