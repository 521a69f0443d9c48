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
    """Assert the ordering rules that @ag-ui/client verifies; the message names the rule broken
    and the offending event's position."""
    assert events, "the stream carried no events"
    assert events[0].type == EventType.RUN_STARTED, (
        f"the first event is {events[0].type.value}, not RUN_STARTED"
    )
    open_messages: set[str] = set()
    open_tools: set[str] = set()
    for index, event in enumerate(events):
        kind = event.type
        where = f"event {index} ({kind.value})"
        if index and kind == EventType.RUN_STARTED:
            raise AssertionError(f"{where}: RUN_STARTED twice in one run")
        if kind == EventType.TEXT_MESSAGE_START:
            assert event.message_id not in open_messages, f"{where}: message started twice"
            open_messages.add(event.message_id)
        elif kind == EventType.TEXT_MESSAGE_CONTENT:
            assert event.message_id in open_messages, f"{where}: content outside an open message"
            assert event.delta, f"{where}: empty TEXT_MESSAGE_CONTENT delta"
        elif kind == EventType.TEXT_MESSAGE_END:
            assert event.message_id in open_messages, f"{where}: ends a message that is not open"
            open_messages.remove(event.message_id)
        elif kind == EventType.TOOL_CALL_START:
            assert event.tool_call_id not in open_tools, f"{where}: tool call started twice"
            open_tools.add(event.tool_call_id)
        elif kind == EventType.TOOL_CALL_ARGS:
            assert event.tool_call_id in open_tools, f"{where}: tool args outside an open call"
        elif kind == EventType.TOOL_CALL_END:
            assert event.tool_call_id in open_tools, f"{where}: ends a tool call that is not open"
            open_tools.remove(event.tool_call_id)
        elif kind == EventType.RUN_FINISHED:
            assert not open_messages and not open_tools, (
                f"{where}: RUN_FINISHED while a message or tool call is still open"
            )
            assert index == len(events) - 1, f"{where}: events follow RUN_FINISHED"
        elif kind == EventType.RUN_ERROR:
            assert index == len(events) - 1, f"{where}: events follow RUN_ERROR"
    assert events[-1].type in (EventType.RUN_FINISHED, EventType.RUN_ERROR), (
        f"the stream ended with {events[-1].type.value}, not RUN_FINISHED or RUN_ERROR"
    )


def text_of(events: list[Event]) -> str:
    """The concatenated text the run streamed."""
    return "".join(e.delta for e in events if e.type == EventType.TEXT_MESSAGE_CONTENT)


def error_of(events: list[Event]) -> RunErrorEvent | None:
    """The run's RUN_ERROR event, or None when it finished."""
    last = events[-1]
    return last if isinstance(last, RunErrorEvent) else None
