"""A small AG-UI client: build a RunAgentInput, post it, parse the SSE stream into
``ag_ui.core`` events, and check the ordering rules the official TypeScript client enforces."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
from ag_ui.core import Event, EventType, RunErrorEvent
from pydantic import TypeAdapter

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


def run_input(
    messages: list[dict[str, Any]] | str,
    *,
    provider: str | None = None,
    model: str | None = None,
    params: dict[str, Any] | None = None,
    tools: list[dict[str, Any]] | None = None,
    context: list[dict[str, str]] | None = None,
    thread_id: str = "thread-1",
) -> dict[str, Any]:
    """A RunAgentInput body exactly as @ag-ui/client's HttpAgent sends it."""
    if isinstance(messages, str):
        messages = [{"id": "u1", "role": "user", "content": messages}]
    forwarded: dict[str, Any] = {}
    if provider:
        forwarded["provider"] = provider
    if model:
        forwarded["model"] = model
    if params:
        forwarded["params"] = params
    return {
        "threadId": thread_id,
        "runId": f"run-{uuid.uuid4().hex[:8]}",
        "protocolVersion": "1.0",
        "state": {},
        "messages": messages,
        "tools": tools or [],
        "context": context or [],
        "forwardedProps": forwarded,
    }


def tool_turns(
    content: str | list[dict[str, Any]], *, tool: str = "shot", ask: str = "Take a screenshot."
) -> list[dict[str, Any]]:
    """A conversation in AG-UI messages where the user asks, the assistant calls ``tool`` (no
    arguments), and the tool answers with ``content`` (text, or input parts such as an image)."""
    call = {"id": "c1", "type": "function", "function": {"name": tool, "arguments": "{}"}}
    return [
        {"id": "u1", "role": "user", "content": ask},
        {"id": "a1", "role": "assistant", "toolCalls": [call]},
        {"id": "t1", "role": "tool", "toolCallId": "c1", "content": content},
    ]


def parse_sse(text: str) -> list[Event]:
    """Parse an SSE body of ``data: {json}`` events into validated ag_ui.core events."""
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        data = "".join(
            line[len("data:") :].strip() for line in block.splitlines() if line.startswith("data:")
        )
        if data:
            events.append(EVENT_ADAPTER.validate_python(json.loads(data)))
    return events


def chat(
    base_url: str, body: dict[str, Any], *, agent: str = "chat", timeout: float = 30, **kw: Any
) -> list[Event]:
    """POST a run to ``/chat/{agent}`` and return its events, after checking the response's
    status, content type and event order."""
    response = httpx.post(
        f"{base_url}/chat/{agent}",
        json=body,
        headers={"Accept": "text/event-stream", **kw.pop("headers", {})},
        timeout=timeout,
        **kw,
    )
    assert response.status_code == 200, (
        f"POST /chat/{agent} answered HTTP {response.status_code}, not an event stream: "
        f"{response.text}"
    )
    content_type = response.headers.get("content-type", "")
    assert content_type.startswith("text/event-stream"), f"content type is {content_type!r}"
    events = parse_sse(response.text)
    check_order(events)
    return events


def check_order(events: list[Event]) -> None:
    """Assert the ordering rules that @ag-ui/client verifies, and that reasoning closes before the
    answer starts; the message names the rule broken and the offending event's position."""
    assert events, "the stream carried no events"
    assert events[0].type == EventType.RUN_STARTED, (
        f"the first event is {events[0].type.value}, not RUN_STARTED"
    )
    open_messages: set[str] = set()
    open_tools: set[str] = set()
    open_thoughts: set[str] = set()
    open_spans: set[str] = set()
    seen: dict[str, set[str]] = {"message": set(), "tool-call": set()}
    for index, event in enumerate(events):
        kind = event.type
        where = f"event {index} ({kind.value})"
        if index and kind == EventType.RUN_STARTED:
            raise AssertionError(f"{where}: RUN_STARTED twice in one run")
        if kind in (EventType.TEXT_MESSAGE_START, EventType.TOOL_CALL_START):
            assert not open_thoughts and not open_spans, (
                f"{where}: the answer starts while reasoning is still open"
            )
        if kind == EventType.TEXT_MESSAGE_START:
            assert event.message_id not in open_messages, f"{where}: message started twice"
            open_messages.add(event.message_id)
            seen["message"].add(event.message_id)
        elif kind == EventType.TEXT_MESSAGE_CONTENT:
            assert event.message_id in open_messages, f"{where}: content outside an open message"
            assert event.delta, f"{where}: empty TEXT_MESSAGE_CONTENT delta"
        elif kind == EventType.TEXT_MESSAGE_END:
            assert event.message_id in open_messages, f"{where}: ends a message that is not open"
            open_messages.remove(event.message_id)
        elif kind == EventType.TOOL_CALL_START:
            assert event.tool_call_id not in open_tools, f"{where}: tool call started twice"
            open_tools.add(event.tool_call_id)
            seen["tool-call"].add(event.tool_call_id)
            if event.parent_message_id:
                seen["message"].add(event.parent_message_id)
        elif kind == EventType.TOOL_CALL_ARGS:
            assert event.tool_call_id in open_tools, f"{where}: tool args outside an open call"
        elif kind == EventType.TOOL_CALL_END:
            assert event.tool_call_id in open_tools, f"{where}: ends a tool call that is not open"
            open_tools.remove(event.tool_call_id)
        elif kind == EventType.REASONING_START:
            assert event.message_id not in open_spans, f"{where}: reasoning started twice"
            open_spans.add(event.message_id)
        elif kind == EventType.REASONING_MESSAGE_START:
            assert event.message_id not in open_thoughts, f"{where}: reasoning message twice"
            open_thoughts.add(event.message_id)
            seen["message"].add(event.message_id)
        elif kind == EventType.REASONING_MESSAGE_CONTENT:
            assert event.message_id in open_thoughts, f"{where}: reasoning outside its message"
            assert event.delta, f"{where}: empty REASONING_MESSAGE_CONTENT delta"
        elif kind == EventType.REASONING_MESSAGE_END:
            assert event.message_id in open_thoughts, f"{where}: ends a reasoning message not open"
            open_thoughts.remove(event.message_id)
        elif kind == EventType.REASONING_END:
            assert event.message_id in open_spans, f"{where}: ends a reasoning span not open"
            open_spans.remove(event.message_id)
        elif kind == EventType.REASONING_ENCRYPTED_VALUE:
            assert event.entity_id in seen[event.subtype], (
                f"{where}: a value for {event.subtype} {event.entity_id!r}, which the run has not "
                "started (the client would drop it)"
            )
        elif kind == EventType.RUN_FINISHED:
            still_open = open_messages or open_tools or open_thoughts or open_spans
            assert not still_open, f"{where}: RUN_FINISHED while {sorted(still_open)} still open"
            assert index == len(events) - 1, f"{where}: events follow RUN_FINISHED"
        elif kind == EventType.RUN_ERROR:
            assert index == len(events) - 1, f"{where}: events follow RUN_ERROR"
    assert events[-1].type in (EventType.RUN_FINISHED, EventType.RUN_ERROR), (
        f"the stream ended with {events[-1].type.value}, not RUN_FINISHED or RUN_ERROR"
    )


def text_of(events: list[Event]) -> str:
    """The concatenated text the run streamed."""
    return "".join(e.delta for e in events if e.type == EventType.TEXT_MESSAGE_CONTENT)


def reasoning_of(events: list[Event]) -> str:
    """The concatenated reasoning the run streamed."""
    return "".join(e.delta for e in events if e.type == EventType.REASONING_MESSAGE_CONTENT)


def reasoning_before_answer(events: list[Event]) -> bool:
    """Whether the run thought first: its first reasoning comes before its answer's first text
    or tool call (``check_order`` has already made sure the reasoning closed in time)."""
    kinds = [e.type for e in events]
    answer = [k for k in (EventType.TEXT_MESSAGE_START, EventType.TOOL_CALL_START) if k in kinds]
    return EventType.REASONING_START in kinds and all(
        kinds.index(EventType.REASONING_START) < kinds.index(k) for k in answer
    )


def encrypted_values(events: list[Event]) -> dict[str, str]:
    """The run's REASONING_ENCRYPTED_VALUE events as ``{entity id: value}``."""
    return {
        e.entity_id: e.encrypted_value
        for e in events
        if e.type == EventType.REASONING_ENCRYPTED_VALUE
    }


def answer_message(events: list[Event]) -> dict[str, Any]:
    """The assistant message a client keeps from a run's events, as @ag-ui/client builds it (in
    AG-UI's camelCase): the answer's id and text, its tool calls with their arguments, and the
    ``encryptedValue``s to send back next turn."""
    sealed = encrypted_values(events)
    calls: dict[str, dict[str, Any]] = {}
    answer_id = None
    for event in events:
        if event.type == EventType.TEXT_MESSAGE_START:
            answer_id = event.message_id
        elif event.type == EventType.TOOL_CALL_START:
            answer_id = event.parent_message_id or answer_id
            calls[event.tool_call_id] = {
                "id": event.tool_call_id,
                "type": "function",
                "function": {"name": event.tool_call_name, "arguments": ""},
            }
        elif event.type == EventType.TOOL_CALL_ARGS:
            calls[event.tool_call_id]["function"]["arguments"] += event.delta
    for call_id, call in calls.items():
        if call_id in sealed:
            call["encryptedValue"] = sealed[call_id]
    message: dict[str, Any] = {
        "id": answer_id or "answer",
        "role": "assistant",
        "content": text_of(events),
    }
    if calls:
        message["toolCalls"] = list(calls.values())
    if answer_id in sealed:
        message["encryptedValue"] = sealed[answer_id]
    return message


def error_of(events: list[Event]) -> RunErrorEvent | None:
    """The run's RUN_ERROR event, or None when it finished."""
    last = events[-1]
    return last if isinstance(last, RunErrorEvent) else None
