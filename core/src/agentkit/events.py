"""From LangChain chunks to AG-UI events: the answer's reasoning, text and tool calls.

:class:`EventTranslator` reads each chunk's standard content blocks (``reasoning`` and ``text``)
and its tool-call chunks, so any LangChain chat model that yields reasoning blocks streams its
thinking without a line of plugin code. It keeps the ordering rules @ag-ui/client verifies:

- a reasoning span (REASONING_START, REASONING_MESSAGE_START, ..._CONTENT, ..._END,
  REASONING_END) is closed before the answer's text or a tool call starts, and reopened with a
  new id if the model thinks again later;
- one assistant message per answer: its text and its tool calls (``parentMessageId``) share one
  id, so the next request brings the answer back as one message, as LangChain sees it;
- everything is closed before RUN_FINISHED.

Opaque reasoning (``agentkit.reasoning``) leaves after the answer as REASONING_ENCRYPTED_VALUE
events on the assistant message and on its tool calls.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from ag_ui.core import (
    BaseEvent,
    ReasoningEncryptedValueEvent,
    ReasoningEndEvent,
    ReasoningMessageContentEvent,
    ReasoningMessageEndEvent,
    ReasoningMessageStartEvent,
    ReasoningStartEvent,
    TextMessageContentEvent,
    TextMessageEndEvent,
    TextMessageStartEvent,
    TokenUsage,
    ToolCallArgsEvent,
    ToolCallEndEvent,
    ToolCallStartEvent,
)
from ag_ui.core.token_usage import token_usage_from_langchain_metadata
from langchain_core.messages.ai import add_usage

from agentkit.errors import NoAnswer, UpstreamError

if TYPE_CHECKING:
    from langchain_core.messages import AIMessageChunk

    from agentkit.reasoning import OpaqueReasoning

TOKEN_LIMIT_REASONS = frozenset({"length", "max_tokens", "MAX_TOKENS", "max_output_tokens"})
"""Finish reasons that mean the token limit ended the answer, as the integrations spell them."""


class EventTranslator:
    """Turns one answer's chunks into AG-UI events (see the module's docs). With ``keep`` set it
    also adds the chunks up into :attr:`message`, for a provider that reads opaque reasoning from
    the whole answer."""

    def __init__(self, *, keep: bool = False) -> None:
        self.keep = keep
        self.message: AIMessageChunk | None = None
        self.answer_id: str | None = None
        """The assistant message's id, shared by its text and its tool calls."""
        self.text_open = False
        self.reasoning_id: str | None = None
        self.open_tool: str | None = None
        self.tool_ids: dict[Any, str] = {}
        self.text_seen = False
        self.reasoning_seen = False
        self.usage: dict[str, Any] | None = None
        self.finish_reason: str | None = None

    @property
    def emitted(self) -> bool:
        """Whether the answer has begun: text or a tool call (thinking alone is not an answer)."""
        return self.text_seen or bool(self.tool_ids)

    def feed(self, chunk: AIMessageChunk) -> list[BaseEvent]:
        events: list[BaseEvent] = []
        for kind, piece in _pieces(chunk):
            events += self._reasoning(piece) if kind == "reasoning" else self._text(piece)
        for call in chunk.tool_call_chunks:
            events += self._tool_chunk(call)
        if chunk.usage_metadata:
            self.usage = add_usage(self.usage, chunk.usage_metadata)
        reason = finish_reason(chunk.response_metadata)
        if reason:
            self.finish_reason = reason
        if self.keep:
            self.message = chunk if self.message is None else self.message + chunk
        return events

    def _reasoning(self, piece: str) -> list[BaseEvent]:
        events = self._close_text() + self._close_tool()
        if self.reasoning_id is None:
            self.reasoning_id = uuid.uuid4().hex
            events += [
                ReasoningStartEvent(message_id=self.reasoning_id),
                ReasoningMessageStartEvent(message_id=self.reasoning_id, role="reasoning"),
            ]
        events.append(ReasoningMessageContentEvent(message_id=self.reasoning_id, delta=piece))
        self.reasoning_seen = True
        return events

    def _text(self, piece: str) -> list[BaseEvent]:
        events = self._close_reasoning() + self._close_tool()
        if not self.text_open:
            self.text_open = True
            events.append(TextMessageStartEvent(message_id=self._answer_id(), role="assistant"))
        events.append(TextMessageContentEvent(message_id=self._answer_id(), delta=piece))
        self.text_seen = True
        return events

    def _tool_chunk(self, call: dict[str, Any]) -> list[BaseEvent]:
        events: list[BaseEvent] = []
        key = call.get("index")
        if key is None:
            key = call.get("id") or len(self.tool_ids)
        if key not in self.tool_ids:
            events += self._close_reasoning() + self._close_text() + self._close_tool()
            tool_id = call.get("id") or f"call_{uuid.uuid4().hex[:12]}"
            self.tool_ids[key] = tool_id
            self.open_tool = tool_id
            events.append(
                ToolCallStartEvent(
                    tool_call_id=tool_id,
                    tool_call_name=call.get("name") or "",
                    parent_message_id=self._answer_id(),
                )
            )
        tool_id = self.tool_ids[key]
        if call.get("args") and tool_id == self.open_tool:
            events.append(ToolCallArgsEvent(tool_call_id=tool_id, delta=call["args"]))
        return events

    def _answer_id(self) -> str:
        if self.answer_id is None:
            self.answer_id = uuid.uuid4().hex
        return self.answer_id

    def _close_reasoning(self) -> list[BaseEvent]:
        if self.reasoning_id is None:
            return []
        reasoning_id, self.reasoning_id = self.reasoning_id, None
        return [
            ReasoningMessageEndEvent(message_id=reasoning_id),
            ReasoningEndEvent(message_id=reasoning_id),
        ]

    def _close_text(self) -> list[BaseEvent]:
        if not self.text_open:
            return []
        self.text_open = False
        return [TextMessageEndEvent(message_id=self._answer_id())]

    def _close_tool(self) -> list[BaseEvent]:
        if self.open_tool is None:
            return []
        tool_id, self.open_tool = self.open_tool, None
        return [ToolCallEndEvent(tool_call_id=tool_id)]

    def finish(self) -> list[BaseEvent]:
        """Close whatever is open. Raises ``NoAnswer`` when the model only thought, and
        ``UpstreamError`` when it produced nothing at all."""
        if not self.emitted:
            if self.reasoning_seen:
                raise self._thought_only()
            reason = f" (finish reason: {self.finish_reason})" if self.finish_reason else ""
            raise UpstreamError(f"The model returned an empty answer{reason}.", retryable=False)
        return self._close_reasoning() + self._close_text() + self._close_tool()

    def _thought_only(self) -> NoAnswer:
        if self.finish_reason in TOKEN_LIMIT_REASONS:
            return NoAnswer(
                "The model spent its whole token limit thinking and gave no answer.",
                hint="Raise max_tokens, or lower reasoning_effort.",
            )
        reason = f" (finish reason: {self.finish_reason})" if self.finish_reason else ""
        return NoAnswer(
            f"The model thought but gave no answer{reason}.",
            hint="Try again, or ask with a lower reasoning_effort.",
        )

    def sealed(self, opaque: OpaqueReasoning, seal: Any) -> list[BaseEvent]:
        """REASONING_ENCRYPTED_VALUE events for ``opaque``, each value passed through ``seal``:
        the message's on the assistant message, each tool call's on that call. Values for tool
        calls this answer did not stream are left out."""
        events: list[BaseEvent] = []
        if opaque.message and self.answer_id is not None:
            value = seal(opaque.message)
            events.append(
                ReasoningEncryptedValueEvent(
                    subtype="message", entity_id=self.answer_id, encrypted_value=value
                )
            )
        streamed = set(self.tool_ids.values())
        for call_id, value in opaque.tool_calls.items():
            if call_id in streamed and value:
                events.append(
                    ReasoningEncryptedValueEvent(
                        subtype="tool-call", entity_id=call_id, encrypted_value=seal(value)
                    )
                )
        return events

    def token_usage(self, provider_id: str, model_id: str) -> list[TokenUsage] | None:
        """The run's usage in AG-UI's accounting (reasoning tokens are part of the output,
        cached tokens part of the input, as in LangChain's); counts a provider reported badly
        are left out rather than failing the run."""
        usage = token_usage_from_langchain_metadata(
            self.usage, provider=provider_id, model=model_id
        )
        return [usage] if usage is not None else None


def finish_reason(metadata: dict[str, Any]) -> str | None:
    """Why the answer stopped, as a chunk's metadata says it: ``finish_reason`` (OpenAI, Gemini),
    ``done_reason`` (Ollama), or the reason of an incomplete Responses API answer."""
    reason = metadata.get("finish_reason") or metadata.get("done_reason")
    if not reason:
        incomplete = metadata.get("incomplete_details")
        reason = incomplete.get("reason") if isinstance(incomplete, dict) else None
    reason = getattr(reason, "value", reason)  # Gemini's is an enum
    return str(reason) if reason else None


def _pieces(chunk: AIMessageChunk) -> list[tuple[str, str]]:
    """The chunk's reasoning and text, in order, as ``(kind, text)``. Plain string content is the
    common case and skips LangChain's block conversion."""
    content = chunk.content
    if isinstance(content, str) and "reasoning_content" not in chunk.additional_kwargs:
        return [("text", content)] if content else []
    pieces = []
    for block in chunk.content_blocks:
        kind = block.get("type")
        piece = block.get("reasoning") if kind == "reasoning" else block.get("text")
        if kind in ("reasoning", "text") and isinstance(piece, str) and piece:
            pieces.append((kind, piece))
    return pieces
