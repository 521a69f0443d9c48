"""The Responses API: ``POST /openai/v1/responses`` with the deployment as ``model``,
authenticated as the v1 API.

Its SSE events (``event: <type>`` and ``data: {"type": <type>, "sequence_number": n, ...}``, no
``[DONE]``): ``response.created``, ``response.in_progress``, the output items
(``response.output_item.added`` / ``.done``) of a reasoning item (summary parts with
``response.reasoning_summary_text.delta``, ``encrypted_content`` when ``include`` asks for it), a
message (``response.output_text.delta``) or function calls
(``response.function_call_arguments.delta``), then ``response.completed`` with usage, or
``response.incomplete`` (``max_output_tokens``, ``content_filter``).

A test makes the emulator's ``stream_failure`` with :func:`response_failed` or
:func:`stream_error`, and a ``raw_stream`` of events with :func:`sse_event`.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from agentkit.testing.emulator import tokens_of
from agentkit_azure_openai.testing.media import MediaChecks
from agentkit_azure_openai.testing.reasoning import (
    _responses_parameter_problem,
    _unknown_parameter,
    thinker,
)
from agentkit_azure_openai.testing.responses_input import ResponsesInput
from agentkit_azure_openai.testing.wire import _arguments, prompt_filtered_body

ENCRYPTED_REASONING = "reasoning.encrypted_content"


def response_failed(code: str, message: str) -> dict[str, Any]:
    """A ``response.failed`` event (its ``response`` trimmed to what a client reads)."""
    error = {"code": code, "message": message}
    response = {"id": f"resp_{uuid.uuid4().hex}", "object": "response", "status": "failed"}
    return {"type": "response.failed", "response": {**response, "error": error}}


def stream_error(code: str | None, message: str) -> dict[str, Any]:
    """An ``error`` event of the Responses API."""
    return {"type": "error", "code": code, "message": message, "param": None}


def sse_event(event: dict[str, Any]) -> bytes:
    """One Responses API event as it goes on the wire: its type as the SSE event name."""
    return f"event: {event['type']}\ndata: {json.dumps(event, separators=(',', ':'))}\n\n".encode()


class ResponsesAPI(ResponsesInput, MediaChecks):
    """The Responses API handler: it checks the parameters, the input items and their media,
    then answers the events :meth:`_response_events` makes of the knobs (``reply``,
    ``thinking``, ``tool_call``, ``block_prompt``, ``block_answer``, ``cached_tokens``,
    ``stream_failure``), streamed or as the final response object."""

    async def _responses(self, request: Request) -> Response:
        record = await self.record(request)
        problem = self.scripted_failure(request) or self._data_plane_auth(request, bearer_key=True)
        if problem is not None:
            return problem
        body = record["json"] if isinstance(record["json"], dict) else {}
        problem = _unknown_parameter(body)
        if problem is not None:
            return problem
        target = self._deployment(str(body.get("model") or ""), "responses")
        if isinstance(target, Response):
            return target
        problem = (
            _responses_parameter_problem(target["model"], body)
            or self._input_problem(body)
            or self._responses_media_problem(target, body)
        )
        if problem is not None:
            return problem
        if self.block_prompt:
            return JSONResponse(prompt_filtered_body(self.block_prompt), 400)
        events, response = self._response_events(target, body)
        if body.get("store") is not False:
            self.stored_items.update(item["id"] for item in response["output"])
        if body.get("stream"):
            return self.stream(events, sse_event, "text/event-stream", first_token_index=2)
        return JSONResponse(response)

    def _response_events(
        self, target: dict[str, Any], body: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The Responses API events for this request, and the final response object."""
        model = target["model"]
        asked = body.get("reasoning") or {}
        thought = self._thought(model, asked.get("effort"))
        budget = body.get("max_output_tokens")
        response = _response_object(model, body)
        events: list[dict[str, Any]] = [
            {"type": "response.created", "response": response},
            {"type": "response.in_progress", "response": response},
        ]
        output: list[dict[str, Any]] = []
        thought_tokens = len(tokens_of(thought or ""))
        if thought is not None:
            family = thinker(model)
            summarised = bool(family and family.summaries and asked.get("summary") and thought)
            encrypted = ENCRYPTED_REASONING in (body.get("include") or [])
            output.append(self._reasoning_item(events, thought, summarised, encrypted))
        produced, incomplete = 0, None
        if budget is not None and thought_tokens >= budget:
            incomplete = "max_output_tokens"
        elif self.block_answer:
            incomplete = "content_filter"
        elif self._tool_calls():
            for call in self._tool_calls():
                output.append(_function_call_item(events, len(output), call))
                produced += len(_arguments(call)) // 4
        else:
            tokens = tokens_of(self.reply)
            if budget is not None and len(tokens) > budget - thought_tokens:
                tokens, incomplete = tokens[: budget - thought_tokens], "max_output_tokens"
            message = self._message_item(events, len(output), tokens)
            if message is None:
                return _numbered(events), {**response, "output": output}
            output.append(message)
            produced = len(tokens)
        prompt = max(1, len(json.dumps(body.get("input"))) // 4)
        usage = {
            "input_tokens": prompt,
            "input_tokens_details": {"cached_tokens": min(self.cached_tokens, prompt)},
            "output_tokens": produced + thought_tokens,
            "output_tokens_details": {"reasoning_tokens": thought_tokens},
            "total_tokens": prompt + produced + thought_tokens,
        }
        final = {
            **response,
            "status": "incomplete" if incomplete else "completed",
            "incomplete_details": {"reason": incomplete} if incomplete else None,
            "output": output,
            "usage": usage,
        }
        kind = "response.incomplete" if incomplete else "response.completed"
        events.append({"type": kind, "response": final})
        return _numbered(events), final

    def _reasoning_item(
        self, events: list[dict[str, Any]], thought: str, summarised: bool, encrypted: bool
    ) -> dict[str, Any]:
        """A reasoning item: its summary streamed when asked for, its encrypted content (the
        thought, signed) on ``response.output_item.done`` when ``include`` asks for it."""
        item_id = f"rs_{uuid.uuid4().hex}"
        where = {"item_id": item_id, "output_index": 0}
        events.append(
            {
                "type": "response.output_item.added",
                "output_index": 0,
                "item": {"id": item_id, "type": "reasoning", "summary": []},
            }
        )
        summary = []
        if summarised:
            part = {"type": "summary_text", "text": thought}
            events.append(
                {
                    "type": "response.reasoning_summary_part.added",
                    **where,
                    "summary_index": 0,
                    "part": {"type": "summary_text", "text": ""},
                }
            )
            for token in tokens_of(thought):
                events.append(
                    {
                        "type": "response.reasoning_summary_text.delta",
                        **where,
                        "summary_index": 0,
                        "delta": token,
                    }
                )
            events.append(
                {
                    "type": "response.reasoning_summary_text.done",
                    **where,
                    "summary_index": 0,
                    "text": thought,
                }
            )
            events.append(
                {
                    "type": "response.reasoning_summary_part.done",
                    **where,
                    "summary_index": 0,
                    "part": part,
                }
            )
            summary = [part]
        item = {
            "id": item_id,
            "type": "reasoning",
            "summary": summary,
            "encrypted_content": self._encrypted(item_id, thought) if encrypted else None,
        }
        events.append({"type": "response.output_item.done", "output_index": 0, "item": item})
        return item

    def _message_item(
        self, events: list[dict[str, Any]], index: int, tokens: list[str]
    ) -> dict[str, Any] | None:
        """The answer's message item, streamed token by token; ``None`` when ``stream_failure``
        cut it short after its first delta (the failure event is then the last event)."""
        item_id = f"msg_{uuid.uuid4().hex}"
        where = {"item_id": item_id, "output_index": index, "content_index": 0}
        empty = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
        opening = {"id": item_id, "type": "message", "status": "in_progress", "role": "assistant"}
        events.append(
            {
                "type": "response.output_item.added",
                "output_index": index,
                "item": {**opening, "content": []},
            }
        )
        events.append({"type": "response.content_part.added", **where, "part": empty})
        for token in tokens:
            events.append(
                {"type": "response.output_text.delta", **where, "delta": token, "logprobs": []}
            )
            if self.stream_failure is not None:
                events.append(dict(self.stream_failure))
                return None
        text = "".join(tokens)
        part = {**empty, "text": text}
        events.append({"type": "response.output_text.done", **where, "text": text, "logprobs": []})
        events.append({"type": "response.content_part.done", **where, "part": part})
        item = {**opening, "status": "completed", "content": [part]}
        events.append({"type": "response.output_item.done", "output_index": index, "item": item})
        return item


def _response_object(model: str, body: dict[str, Any]) -> dict[str, Any]:
    """The response object of ``response.created`` (``in_progress``, no output yet), with what
    the request asked for; Azure adds ``content_filters``."""
    return {
        "id": f"resp_{uuid.uuid4().hex}",
        "object": "response",
        "created_at": int(time.time()),
        "status": "in_progress",
        "background": False,
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "max_output_tokens": body.get("max_output_tokens"),
        "model": model,
        "output": [],
        "parallel_tool_calls": True,
        "previous_response_id": None,
        "reasoning": body.get("reasoning") or {"effort": None, "summary": None},
        "service_tier": "default",
        "store": body.get("store") is not False,
        "temperature": body.get("temperature", 1.0),
        "text": {"format": {"type": "text"}},
        "tool_choice": body.get("tool_choice", "auto"),
        "tools": body.get("tools") or [],
        "top_p": body.get("top_p", 1.0),
        "truncation": "disabled",
        "usage": None,
        "user": None,
        "metadata": {},
        "content_filters": None,
    }


def _function_call_item(
    events: list[dict[str, Any]], index: int, call: dict[str, Any]
) -> dict[str, Any]:
    """One function call item, its arguments streamed in two deltas."""
    item_id = f"fc_{uuid.uuid4().hex}"
    arguments = _arguments(call)
    opening = {
        "id": item_id,
        "type": "function_call",
        "status": "in_progress",
        "arguments": "",
        "call_id": f"call_{uuid.uuid4().hex[:24]}",
        "name": call["name"],
    }
    where = {"item_id": item_id, "output_index": index}
    events.append({"type": "response.output_item.added", "output_index": index, "item": opening})
    half = len(arguments) // 2
    for delta in (arguments[:half], arguments[half:]):
        events.append({"type": "response.function_call_arguments.delta", **where, "delta": delta})
    events.append(
        {"type": "response.function_call_arguments.done", **where, "arguments": arguments}
    )
    item = {**opening, "status": "completed", "arguments": arguments}
    events.append({"type": "response.output_item.done", "output_index": index, "item": item})
    return item


def _numbered(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events with their ``sequence_number``s, in order."""
    return [{**event, "sequence_number": number} for number, event in enumerate(events)]
