"""``ChatOllama`` as AgentKit builds it: images go to the ``ollama`` client as bytes.

langchain-ollama 1.1 turns LangChain's standard image blocks (``{"type": "image", "base64": ...,
"mime_type": ...}``, what the core makes of an AG-UI image part) and the older ``image_url``
blocks into the message's ``images`` list as base64 text, without a data-URL prefix
(``ChatOllama._convert_messages_to_ollama_messages``): what Ollama's ``/api/chat`` takes. Two
things it does are wrong for AgentKit, and this subclass fixes them:

- the ``ollama`` client (0.6) reads each image text as a file path first, and when a file of
  that name exists it sends the file instead (``ollama._types.Image.serialize_model``). Base64
  text can name a file (``/proc//self//environ`` is valid base64), so a chat client could make
  the host send its own files to the Ollama server. Handed bytes, the client encodes them and
  reads nothing from disk;
- it starts each text part of a message with a newline, the first one too, so the model would
  read every question with images (or in parts) as ``"\n..."``.

This module imports langchain-ollama: import it only when a chat model is built.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from langchain_ollama import ChatOllama

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage


class OllamaChatModel(ChatOllama):
    """``ChatOllama`` that sends images as bytes, and the text of a message with images as the
    client wrote it (ChatOllama starts each text part with a newline, the first one too)."""

    def _convert_messages_to_ollama_messages(
        self, messages: list[BaseMessage]
    ) -> list[dict[str, Any]]:
        converted = super()._convert_messages_to_ollama_messages(messages)
        for source, message in zip(messages, converted, strict=True):
            if isinstance(source.content, list):
                message["content"] = message["content"].removeprefix("\n")
            message["images"] = [_image_bytes(image) for image in message.get("images") or []]
        return converted


def _image_bytes(image: Any) -> Any:
    """The image's bytes, for base64 text (the host has checked it decodes:
    ``agentkit.messages``); anything else as it is."""
    return base64.b64decode(image) if isinstance(image, str) else image
