"""Chat completions, on both of Azure's paths, and the chunks they answer with.

- classic API: ``POST /openai/deployments/{deployment}/chat/completions?api-version=V``; the
  ``api-version`` is required (404 "Resource not found" without it, 400 "API version not
  supported" for an unknown one); authentication by ``api-key`` header or an Entra bearer token.
- v1 API: ``POST /openai/v1/chat/completions`` with the deployment as ``model``; no api-version;
  the key may also come as ``Authorization: Bearer <key>`` (what the OpenAI client sends).
- Chat completions streams are Azure's: a first chunk with ``choices: []`` and
  ``prompt_filter_results``, chunks with ``content_filter_results``, a usage chunk when asked
  (``prompt_tokens_details.cached_tokens``, ``completion_tokens_details.reasoning_tokens``), then
  ``data: [DONE]``.
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
from agentkit_azure_openai.testing.reasoning import _chat_parameter_problem
from agentkit_azure_openai.testing.resource import API_VERSIONS
from agentkit_azure_openai.testing.wire import (
    _arguments,
    content_filter_results,
    invalid_request,
    prompt_filtered_body,
)


class ChatCompletions(MediaChecks):
    """The chat completions handlers: both paths lead to :meth:`_chat`, which checks the
    request and answers the chunks :meth:`_answer` makes of the knobs (``reply``, ``tool_call``,
    ``block_prompt``, ``block_answer``, ``cached_tokens``, ``thinking``), streamed or merged."""

    async def _classic_chat(self, request: Request) -> Response:
        record = await self.record(request)
        problem = (
            self.scripted_failure(request)
            or self._data_plane_auth(request, bearer_key=False)
            or self._api_version_problem(request, API_VERSIONS)
        )
        if problem is not None:
            return problem
        return self._chat(
            request.path_params["deployment"], record["json"] or {}, record["query"]["api-version"]
        )

    async def _v1_chat(self, request: Request) -> Response:
        record = await self.record(request)
        problem = self.scripted_failure(request) or self._data_plane_auth(request, bearer_key=True)
        if problem is not None:
            return problem
        body = record["json"] or {}
        return self._chat(str(body.get("model") or ""), body, None)

    def _chat(self, name: str, body: dict[str, Any], api_version: str | None) -> Response:
        target = self._deployment(name, "chatCompletion")
        if isinstance(target, Response):
            return target
        problem = _chat_parameter_problem(target["model"], body, api_version)
        if problem is not None:
            return problem
        if not body.get("messages"):
            return invalid_request("'messages' is a required property")
        problem = self._chat_media_problem(target, body, api_version)
        if problem is not None:
            return problem
        if self.block_prompt:
            return JSONResponse(prompt_filtered_body(self.block_prompt), 400)
        chunks = self._answer(target, body)
        if body.get("stream"):
            return self.stream(
                [*chunks, DONE], _sse_chunk, "text/event-stream", first_token_index=1
            )
        return JSONResponse(_merge(chunks))

    def _answer(self, target: dict[str, Any], body: dict[str, Any]) -> list[dict[str, Any]]:
        """The chat.completion.chunk objects for this request, as the knobs say."""
        envelope = {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": f"{target['model']}-{target['version']}",
            "system_fingerprint": "fp_emulated",
        }
        safe = content_filter_results()

        def choice(delta: dict[str, Any], finish: str | None = None, filters=safe) -> dict:
            return {
                "index": 0,
                "delta": delta,
                "finish_reason": finish,
                "logprobs": None,
                "content_filter_results": filters if finish != "stop" else {},
            }

        first = {
            "id": "",
            "object": "",
            "created": 0,
            "model": "",
            "choices": [],
            "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": safe}],
        }
        role = choice({"role": "assistant", "content": ""}, filters={})
        chunks = [first, {**envelope, "choices": [role]}]
        if self.block_answer:
            blocked = content_filter_results(self.block_answer)
            chunks.append({**envelope, "choices": [choice({}, "content_filter", blocked)]})
        elif self._tool_calls():
            for index, call in enumerate(self._tool_calls()):
                opening = {
                    "index": index,
                    "id": f"call_{uuid.uuid4().hex[:24]}",
                    "type": "function",
                    "function": {"name": call["name"], "arguments": ""},
                }
                arguments = {"index": index, "function": {"arguments": _arguments(call)}}
                chunks.append({**envelope, "choices": [choice({"tool_calls": [opening]})]})
                chunks.append({**envelope, "choices": [choice({"tool_calls": [arguments]})]})
            chunks.append({**envelope, "choices": [choice({}, "tool_calls")]})
        else:
            for token in tokens_of(self.reply):
                chunks.append({**envelope, "choices": [choice({"content": token})]})
            chunks.append({**envelope, "choices": [choice({}, "stop")]})
        if (body.get("stream_options") or {}).get("include_usage"):
            prompt = max(1, len(json.dumps(body.get("messages"))) // 4)
            thought = self._thought(target["model"], body.get("reasoning_effort")) or ""
            reasoning = len(tokens_of(thought))
            completion = len(tokens_of(self.reply)) + reasoning
            usage = {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
                "prompt_tokens_details": {
                    "audio_tokens": None,
                    "cached_tokens": min(self.cached_tokens, prompt),
                },
                "completion_tokens_details": {"audio_tokens": None, "reasoning_tokens": reasoning},
            }
            chunks.append({**envelope, "choices": [], "usage": usage})
        return chunks


def _merge(chunks: list[dict[str, Any]]) -> dict[str, Any]:
    """Fold streamed chunks into the one ``chat.completion`` a non-streaming call answers."""
    text = "".join(
        c["choices"][0]["delta"].get("content") or "" for c in chunks if c.get("choices")
    )
    finals = [c for c in chunks if c.get("choices") and c["choices"][0]["finish_reason"]]
    last = finals[-1] if finals else chunks[-1]
    choice = last["choices"][0]
    return {
        **{k: v for k, v in last.items() if k != "choices"},
        "object": "chat.completion",
        "prompt_filter_results": chunks[0]["prompt_filter_results"],
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": choice["finish_reason"],
                "content_filter_results": choice["content_filter_results"],
            }
        ],
        "usage": next((c["usage"] for c in chunks if c.get("usage")), None),
    }


DONE = object()
"""The end of a chat completions stream: ``data: [DONE]``."""


def _sse_chunk(chunk: dict[str, Any] | object) -> bytes:
    if chunk is DONE:
        return b"data: [DONE]\n\n"
    return f"data: {json.dumps(chunk, separators=(',', ':'))}\n\n".encode()
