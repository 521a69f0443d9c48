"""Converting an AG-UI conversation into LangChain messages and tool definitions."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from agentkit.errors import InvalidRequest

if TYPE_CHECKING:
    from ag_ui.core import Context, Message, Tool
    from langchain_core.messages import BaseMessage


def to_langchain(
    messages: list[Message], context: list[Context] | None = None
) -> list[BaseMessage]:
    """The conversation as LangChain messages. ``system`` and ``developer`` messages become system
    messages; the client's ``context`` entries follow the leading system messages as one more.
    Raises ``InvalidRequest`` for content AgentKit cannot pass on."""
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

    converted: list[BaseMessage] = []
    for message in messages:
        role = message.role
        if role in ("system", "developer"):
            converted.append(SystemMessage(message.content))
        elif role == "user":
            converted.append(HumanMessage(_content(message.content, message.id)))
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
                    _content(message.content, message.id), tool_call_id=message.tool_call_id
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


def _content(content: Any, message_id: str) -> str | list[dict[str, Any]]:
    """Text stays text; multimodal parts become LangChain content blocks."""
    if isinstance(content, str):
        return content
    blocks: list[dict[str, Any]] = []
    for part in content:
        data = part.model_dump(exclude_none=True)
        kind = data.get("type")
        if kind == "text":
            blocks.append({"type": "text", "text": data.get("text", "")})
        elif kind == "image" and data.get("url"):
            blocks.append({"type": "image", "url": data["url"]})
        elif kind == "image" and data.get("data"):
            mime = data.get("mime_type") or data.get("mimeType") or "image/png"
            blocks.append({"type": "image", "base64": data["data"], "mime_type": mime})
        else:
            raise InvalidRequest(f"Message {message_id}: {kind!r} content parts are not supported.")
    return blocks


def _has_content(content: str | list[Any]) -> bool:
    if isinstance(content, str):
        return bool(content.strip())
    return any(block["type"] != "text" or block["text"].strip() for block in content)


def _arguments(arguments: str, message_id: str) -> dict[str, Any]:
    try:
        parsed = json.loads(arguments or "{}")
    except json.JSONDecodeError:
        raise InvalidRequest(f"Message {message_id}: tool call arguments are not JSON.") from None
    if not isinstance(parsed, dict):
        raise InvalidRequest(f"Message {message_id}: tool call arguments must be a JSON object.")
    return parsed
