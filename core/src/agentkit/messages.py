"""Converting an AG-UI conversation into LangChain messages and tool definitions.

Media parts (AG-UI 1.0 ``image``, ``audio``, ``video`` and ``document`` parts with a ``data``,
``url`` or ``file`` source) become LangChain's standard content
blocks, checked on the way: base64 that decodes, a part no larger than the limit, a file handle
of the chat's own provider. What the chosen model can take is ``agentkit.media``'s business."""

from __future__ import annotations

import binascii
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agentkit.errors import HTTPProblem, InvalidRequest, UnsupportedMedia

if TYPE_CHECKING:
    from ag_ui.core import Context, Message, Tool
    from langchain_core.messages import BaseMessage


def to_langchain(
    messages: list[Message],
    context: list[Context] | None = None,
    rules: MediaRules | None = None,
) -> list[BaseMessage]:
    """The conversation as LangChain messages. ``system`` and ``developer`` messages become system
    messages; the client's ``context`` entries follow the leading system messages as one more.
    Raises ``InvalidRequest`` for content AgentKit cannot pass on, and a 413 ``HTTPProblem`` for
    a part larger than ``rules`` allow."""
    rules = rules or MediaRules()
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

    converted: list[BaseMessage] = []
    for message in messages:
        role = message.role
        if role in ("system", "developer"):
            converted.append(SystemMessage(message.content))
        elif role == "user":
            converted.append(HumanMessage(_content(message.content, message.id, rules)))
        elif role == "assistant":
            tool_calls = [
                {
                    "id": call.id,
                    "name": call.function.name,
                    "args": _arguments(call.function.arguments, message.id),
                    "type": "tool_call",
                }
                for call in message.tool_calls or []
            ]
            converted.append(AIMessage(message.content or "", tool_calls=tool_calls))
        elif role == "tool":
            converted.append(
                ToolMessage(
                    _content(message.content, message.id, rules), tool_call_id=message.tool_call_id
                )
            )
        # activity and reasoning messages are UI-side records; the model never sees them.
    if context:
        lines = "\n".join(f"- {item.description}: {item.value}" for item in context)
        leading = next((i for i, m in enumerate(converted) if m.type != "system"), len(converted))
        converted.insert(leading, SystemMessage(f"Context from the client:\n{lines}"))
    if not any(m.type in ("human", "tool") and _has_content(m.content) for m in converted):
        raise InvalidRequest(
            "The conversation has no user message (or tool result) with content to answer."
        )
    return converted


def tool_definitions(tools: list[Tool]) -> list[dict[str, Any]]:
    """The client's tools in the OpenAI function format every LangChain integration accepts.
    Raises ``InvalidRequest`` for parameters that are not a JSON Schema object."""
    for tool in tools:
        if tool.parameters is not None and not isinstance(tool.parameters, dict):
            raise InvalidRequest(
                f"Tool {tool.name!r:.80}: parameters must be a JSON Schema object, not "
                f"{type(tool.parameters).__name__}."
            )
    return [
        {
            "type": "function",
            "function": {
                "name": tool.name,
                "description": tool.description,
                "parameters": tool.parameters or {"type": "object", "properties": {}},
            },
        }
        for tool in tools
    ]


BLOCK_TYPES = {"image": "image", "audio": "audio", "video": "video", "document": "file"}
"""AG-UI 1.0 input part types, and the LangChain standard content block each becomes."""


def _content(content: Any, message_id: str, rules: MediaRules) -> str | list[dict[str, Any]]:
    """Text stays text; AG-UI input parts become LangChain's standard content blocks:
    ``{"type": "image" | "audio" | "video" | "file", "base64" | "url" | "file_id": ...,
    "mime_type": ...}``, which every integration converts to its provider's format."""
    if isinstance(content, str):
        return content
    blocks: list[dict[str, Any]] = []
    for number, part in enumerate(content, 1):
        where = f"Message {message_id}, part {number}"
        if part.type == "text":
            blocks.append({"type": "text", "text": part.text})
        elif part.type in BLOCK_TYPES:
            if filename := _filename(part.metadata):
                where += f" ({filename})"
            rules.check(BLOCK_TYPES[part.type], where)
            blocks.append(_media_block(part, where, rules))
        else:
            raise InvalidRequest(f"{where}: {part.type!r} content parts are not supported.")
    return blocks


def _media_block(part: Any, where: str, rules: MediaRules) -> dict[str, Any]:
    """An AG-UI 1.0 image, audio, video or document part as a LangChain block."""
    source = part.source
    block: dict[str, Any] = {"type": BLOCK_TYPES[part.type]}
    if source.type == "data":
        block["base64"] = _checked_base64(source.value, where, rules.part_bytes)
    elif source.type == "url":
        block["url"] = source.value
    else:  # a handle the provider issued: only that provider can read it
        if source.provider and rules.provider_id and source.provider != rules.provider_id:
            raise InvalidRequest(
                f"{where}: the file {source.value!r:.60} was issued by {source.provider!r}, not "
                f"by {rules.provider_id!r}, the provider of this chat.",
                hint="Send the file's data instead, or ask the provider that holds it.",
            )
        block["file_id"] = source.value
    if source.mime_type:
        block["mime_type"] = source.mime_type
    filename = _filename(part.metadata)
    if filename:
        block["extras"] = {"filename": filename}
    return block


def _checked_base64(value: str, where: str, limit: int) -> str:
    """``value`` once it is known to be base64 of at most ``limit`` bytes."""
    if value.startswith("data:"):
        raise InvalidRequest(
            f"{where}: the data source holds a data URL; send only its base64 text, with the "
            "type in mimeType."
        )
    size = len(value) * 3 // 4
    if size > limit:
        raise HTTPProblem(
            413,
            "part_too_large",
            f"{where} is about {size / 1e6:.1f} MB, more than the {limit / 1e6:g} MB "
            "a part may be.",
            hint="Send a smaller file, or raise AGENTKIT_MAX_PART_BYTES.",
        )
    try:  # strict: only base64's alphabet, padding only at the end
        binascii.a2b_base64(value, strict_mode=True)
    except (binascii.Error, ValueError):
        raise InvalidRequest(f"{where}: the data source is not valid base64.") from None
    return value


def _filename(metadata: Any) -> str | None:
    if isinstance(metadata, dict):
        name = metadata.get("filename") or metadata.get("name")
        if isinstance(name, str) and name.strip():
            return name.strip()[:255]
    return None


def _has_content(content: str | list[Any]) -> bool:
    if isinstance(content, str):
        return bool(content.strip())
    return any(block["type"] != "text" or block["text"].strip() for block in content)


NEEDS = {"image": "vision", "audio": "audio", "video": "video", "file": "documents"}
"""The capability a model needs for each kind of media block."""


@dataclass(frozen=True)
class MediaRules:
    """What media parts are checked against: the largest part in bytes; the chat's provider
    (whose file handles alone it may pass on) and the kinds of block it takes at all (``None``:
    any); the model and its capabilities (``None``: unknown, so not checked)."""

    part_bytes: int = 20_000_000
    provider_id: str | None = None
    provider_name: str = "The provider"
    kinds: frozenset[str] | None = None
    model_id: str = "the model"
    capabilities: frozenset[str] | None = None

    def check(self, kind: str, where: str) -> None:
        """Refuse a ``kind`` block the provider or the model cannot take."""
        noun = {"file": "document"}.get(kind, kind)
        if self.kinds is not None and kind not in self.kinds:
            takes = ", ".join(sorted({"file": "document"}.get(k, k) for k in self.kinds))
            raise UnsupportedMedia(
                f"{where} is {_article(noun)}, and {self.provider_name} takes no {noun} parts "
                f"(it takes: {takes or 'text only'}).",
                hint="Leave the part out, or pick a provider that takes it.",
            )
        need = NEEDS[kind]
        if self.capabilities is not None and need not in self.capabilities:
            can = ", ".join(sorted(self.capabilities)) or "text only"
            raise UnsupportedMedia(
                f"{where} is {_article(noun)}, and {self.model_id} cannot take {noun}s "
                f"(its capabilities: {can}).",
                hint=f"Pick a model whose capabilities include {need} (GET /models).",
            )


def _article(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _arguments(arguments: str, message_id: str) -> dict[str, Any]:
    try:
        parsed = json.loads(arguments or "{}")
    except json.JSONDecodeError:
        raise InvalidRequest(f"Message {message_id}: tool call arguments are not JSON.") from None
    if not isinstance(parsed, dict):
        raise InvalidRequest(f"Message {message_id}: tool call arguments must be a JSON object.")
    return parsed
