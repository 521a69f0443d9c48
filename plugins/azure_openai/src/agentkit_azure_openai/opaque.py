"""Encrypted reasoning items carried across turns on the Responses API.

Requests go out with ``store: false`` (Azure keeps nothing) and ``include:
["reasoning.encrypted_content"]``, so each answer's reasoning comes back as items the next request
must send again, in front of the answer they led to::

    {"type": "reasoning", "id": "rs_...", "summary": [{"type": "summary_text", "text": "..."}],
     "encrypted_content": "gAAAA..."}

langchain-openai keeps them in the streamed answer's content (the blocks of type ``reasoning``),
and sends reasoning blocks of an ``AIMessage``'s content back as input items, in content order,
before the message's text and the function calls it builds from ``tool_calls``; with
``store=False`` only those that carry ``encrypted_content`` (``_construct_responses_api_input``
in langchain_openai/chat_models/base.py). :func:`reasoning_items` reads them off an answer as one
JSON string; :func:`restore` checks such a string, which comes back from the client, and puts the
items back into the content of the ``AIMessage`` the host rebuilt from the AG-UI conversation.
Azure verifies the encrypted content itself; this module only makes sure the value has the shape
of reasoning items and nothing else.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from agentkit import InvalidRequest

if TYPE_CHECKING:
    from langchain_core.messages import AIMessage

VALUE_LIMIT = 4_000_000
"""Characters one carried value may have (encrypted reasoning runs to tens of kilobytes per item;
the host's request limit, AGENTKIT_MAX_BODY_BYTES, is usually the tighter bound)."""

ITEM_LIMIT = 64
"""Reasoning items one answer may carry back (an answer usually has one)."""

ITEM_KEYS = frozenset({"type", "id", "summary", "encrypted_content"})
PART_KEYS = frozenset({"type", "text"})


def reasoning_items(message: AIMessage) -> str | None:
    """The answer's encrypted reasoning items as one JSON string, or ``None`` when it has none
    (not a reasoning model, or no ``encrypted_content`` was asked for)."""
    content = message.content if isinstance(message.content, list) else []
    items = [
        {
            "type": "reasoning",
            "id": block["id"],
            "summary": [
                {"type": "summary_text", "text": part.get("text", "")}
                for part in block.get("summary") or []
            ],
            "encrypted_content": block["encrypted_content"],
        }
        for block in content
        if isinstance(block, dict)
        and block.get("type") == "reasoning"
        and block.get("id")
        and block.get("encrypted_content")
    ]
    return json.dumps(items, separators=(",", ":")) if items else None


def restore(message: AIMessage, value: str) -> AIMessage:
    """``message`` (a past answer: its text and its tool calls) with the reasoning items of
    ``value`` in front of its content. Raises ``InvalidRequest`` when ``value`` is not a list of
    reasoning items as :func:`reasoning_items` writes them."""
    items = parse(value)
    content = message.content
    if isinstance(content, str):
        content = [{"type": "text", "text": content}] if content else []
    return message.model_copy(update={"content": [*items, *content]})


def parse(value: str) -> list[dict[str, Any]]:
    """The reasoning items in ``value``, checked strictly: a JSON list of up to
    :data:`ITEM_LIMIT` objects with exactly ``type`` (``reasoning``), ``id`` and
    ``encrypted_content`` (non-empty strings) and ``summary`` (a list of ``summary_text`` parts)."""
    if len(value) > VALUE_LIMIT:
        raise _invalid(f"it is longer than {VALUE_LIMIT} characters")
    try:
        items = json.loads(value)
    except ValueError:
        raise _invalid("it is not JSON") from None
    if not isinstance(items, list) or not 0 < len(items) <= ITEM_LIMIT:
        raise _invalid(f"it is not a list of 1 to {ITEM_LIMIT} reasoning items")
    for item in items:
        _check_item(item)
    return items


def _check_item(item: Any) -> None:
    if not isinstance(item, dict) or set(item) != ITEM_KEYS or item["type"] != "reasoning":
        raise _invalid("an item is not a reasoning item (type, id, summary, encrypted_content)")
    for key in ("id", "encrypted_content"):
        if not isinstance(item[key], str) or not item[key]:
            raise _invalid(f"a reasoning item's {key} is not a non-empty string")
    summary = item["summary"]
    if not isinstance(summary, list) or not all(_is_summary_part(part) for part in summary):
        raise _invalid("a reasoning item's summary is not a list of summary_text parts")


def _is_summary_part(part: Any) -> bool:
    return (
        isinstance(part, dict)
        and set(part) == PART_KEYS
        and part["type"] == "summary_text"
        and isinstance(part["text"], str)
    )


def _invalid(why: str) -> InvalidRequest:
    return InvalidRequest(
        f"The reasoning an assistant message carries (its encryptedValue) is not Azure OpenAI "
        f"reasoning items: {why}.",
        hint="Send past assistant messages back as AgentKit streamed them, or without their "
        "encryptedValue.",
    )
