"""An OpenAI-compatible server on loopback, for this plugin's tests and anyone testing against
it: ``GET /v1/models`` and streamed ``POST /v1/chat/completions``, on the kit's emulator base."""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from agentkit.testing import Emulator, tokens_of

EFFORTS = ("low", "medium", "high")
"""The ``reasoning_effort`` values vLLM takes; anything else is a 400."""


class OpenAICompatibleUpstream(Emulator):
    """``GET /v1/models`` and streamed ``POST /v1/chat/completions`` (SSE ending in ``[DONE]``),
    bearer-token auth when ``api_key`` is set. The kit's knobs come from ``Emulator``.

    The models in ``reasoning_fields`` think: they stream the ``thinking`` knob before the
    answer, in the delta field named there, as DeepSeek (``reasoning_content``, with
    ``completion_tokens_details.reasoning_tokens`` in the usage) and vLLM (``reasoning``) do."""

    def __init__(self) -> None:
        super().__init__("Hello from the upstream.")
        self.api_key: str | None = None
        self.models = ["local-model", "other-model", "deepseek-r1", "qwen3"]
        self.reasoning_fields = {"deepseek-r1": "reasoning_content", "qwen3": "reasoning"}
        self.finish_reason = "stop"
        self.app = Starlette(
            routes=[
                Route("/v1/models", self._list_models, methods=["GET"]),
                Route("/v1/chat/completions", self._chat, methods=["POST"]),
            ]
        )

    async def _list_models(self, request: Request) -> Response:
        await self.record(request)
        data = [{"id": model, "owned_by": "emulator"} for model in self.models]
        return self._gate(request) or JSONResponse({"object": "list", "data": data})

    async def _chat(self, request: Request) -> Response:
        body = (await self.record(request))["json"] or {}
        if (problem := self._gate(request)) is not None:
            return problem
        if body.get("model") not in self.models:
            return JSONResponse({"error": {"message": "No such model.", "code": "404"}}, 404)
        if body.get("reasoning_effort") not in (None, *EFFORTS):
            message = "reasoning_effort: Input should be 'low', 'medium' or 'high'"
            error = {"message": message, "type": "BadRequestError", "code": 400}
            return JSONResponse({"error": error}, 400)
        field = self.reasoning_fields.get(body["model"])
        thoughts = tokens_of(self.thinking) if field else []
        deltas: list[tuple[dict[str, Any], str | None]] = [({"role": "assistant"}, None)]
        deltas += [({field: token}, None) for token in thoughts]
        if self.tool_call:
            call = {
                "name": self.tool_call["name"],
                "arguments": json.dumps(self.tool_call["arguments"]),
            }
            deltas.append(({"tool_calls": [{"index": 0, "id": "call_1", "function": call}]}, None))
            deltas.append(({}, "tool_calls"))
        else:
            deltas += [({"content": token}, None) for token in tokens_of(self.reply)]
            deltas.append(({}, self.finish_reason))
        chunks = [{"choices": [{"index": 0, "delta": d, "finish_reason": f}]} for d, f in deltas]
        output = len(thoughts) + len(tokens_of(self.reply))
        usage: dict[str, Any] = {
            "prompt_tokens": 5,
            "completion_tokens": output,
            "total_tokens": 5 + output,
        }
        if field == "reasoning_content":
            usage["completion_tokens_details"] = {"reasoning_tokens": len(thoughts)}
        chunks.append({"choices": [], "usage": usage})
        events = [f"data: {json.dumps(chunk)}\n\n".encode() for chunk in chunks]
        return self.stream(
            [*events, b"data: [DONE]\n\n"], bytes, "text/event-stream", first_token_index=1
        )

    def _gate(self, request: Request) -> Response | None:
        """The scripted failure or the authentication error for this request, if any."""
        if self.api_key and request.headers.get("authorization") != f"Bearer {self.api_key}":
            return JSONResponse({"error": {"message": "Incorrect API key provided."}}, 401)
        return self.scripted_failure(request)
