"""Media parts on their way to a provider: what the host does between converting a conversation
(``agentkit.messages``, which already refused what the provider or the model cannot take) and the
run.

A ``url`` source reaches the provider as a URL only where its service fetches it itself
(``Provider.fetches_url``: by default the kinds in ``Provider.media_urls``); for the others the
host fetches it (``agentkit.fetch``, under its
rules) and sends the bytes, as if the client had sent them.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from agentkit.errors import InvalidRequest
from agentkit.fetch import Fetcher, FetchRefused
from agentkit.messages import NEEDS

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage

    from agentkit.provider import Provider

MEDIA_TYPES = {"image": "image/", "audio": "audio/", "video": "video/"}
"""What a fetched body's type must start with for each kind of block (a document may be any)."""


async def inline_urls(
    messages: list[BaseMessage], provider: Provider, fetcher: Fetcher
) -> list[BaseMessage]:
    """``messages`` with each URL the provider cannot fetch replaced by the fetched bytes.
    Raises ``InvalidRequest`` naming the URL and the reason when one cannot be fetched."""
    for message in messages:
        if not isinstance(message.content, list):
            continue
        for index, block in enumerate(message.content):
            if _to_fetch(block, provider):
                message.content[index] = await _inlined(block, fetcher)
    return messages


def _to_fetch(block: Any, provider: Provider) -> bool:
    return (
        isinstance(block, dict)
        and block.get("type") in NEEDS
        and isinstance(block.get("url"), str)
        and not provider.fetches_url(block["type"], block["url"])
    )


async def _inlined(block: dict[str, Any], fetcher: Fetcher) -> dict[str, Any]:
    kind, url = block["type"], block["url"]
    noun = {"file": "document"}.get(kind, kind)
    try:
        fetched = await fetcher.fetch(url)
    except FetchRefused as exc:
        raise InvalidRequest(
            f"The {noun} at {url[:200]} could not be fetched: {exc}.",
            hint="Send the file's data instead of its URL.",
        ) from None
    mime = block.get("mime_type") or fetched.mime_type
    prefix = MEDIA_TYPES.get(kind)
    if prefix and not (mime or "").startswith(prefix):
        raise InvalidRequest(
            f"The {noun} at {url[:200]} is {mime or 'of no stated type'}, not {prefix}*.",
            hint="Check the URL, or send the file's data with its mimeType.",
        )
    inlined = {k: v for k, v in block.items() if k != "url"}
    inlined["base64"] = base64.b64encode(fetched.data).decode("ascii")
    if mime:
        inlined["mime_type"] = mime
    return inlined
