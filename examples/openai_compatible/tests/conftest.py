"""Fixtures for the plugin's tests: a small OpenAI-compatible server on loopback (the upstream),
and a real AgentKit host that discovers the plugin through its entry point.

The upstream speaks the wire protocol the plugin relies on: ``GET /v1/models``, streamed
``POST /v1/chat/completions`` (server-sent events ending in ``data: [DONE]``), bearer-token auth
and OpenAI's error JSON. Its knobs follow the kit's upstream interface: ``reply``, ``models``,
``fail(...)``, ``cut_after``, ``first_token_delay``, ``token_delay``, ``finish_reason``; every
request is recorded in ``requests``.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from agentkit.testing import serve

_CUT = b""
"""Yielded by a stream to drop the connection without finishing the response."""


class OpenAICompatibleUpstream:
    """An OpenAI-compatible server. Serve ``.app`` with ``agentkit.testing.serve``; its API root
    is ``{url}/v1``. With ``api_key`` set, requests must carry ``Authorization: Bearer <key>``."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        models: list[str] | None = None,
        reply: str = "Hello from the upstream.",
    ) -> None:
        self.api_key = api_key
        self.models = ["local-model", "other-model"] if models is None else models
        self.reply = reply
        self.finish_reason = "stop"
        self.first_token_delay = 0.0
        self.token_delay = 0.0
        self.cut_after: int | None = None
        self.requests: list[dict[str, Any]] = []
        self.disconnects = 0
        self._failures: list[dict[str, Any]] = []
        self.app = Starlette(
            routes=[
                Route("/v1/models", self._list_models, methods=["GET"]),
                Route("/v1/chat/completions", self._chat, methods=["POST"]),
            ]
        )

    def fail(
        self,
        status: int,
        body: Any = None,
        *,
        times: int = 1,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next ``times`` requests with HTTP ``status`` and ``body`` (OpenAI's error
        JSON by default)."""
        body = error_body(f"Emulated error {status}.") if body is None else body
        self._failures.append({"status": status, "body": body, "times": times, "headers": headers})

    async def _list_models(self, request: Request) -> Response:
        await self._record(request)
        if (problem := self._gate(request)) is not None:
            return problem
        data = [
            {"id": m, "object": "model", "created": 0, "owned_by": "emulator"} for m in self.models
        ]
        return JSONResponse({"object": "list", "data": data})

    async def _chat(self, request: Request) -> Response:
        body = (await self._record(request))["json"] or {}
        if (problem := self._gate(request)) is not None:
            return problem
        if body.get("model") not in self.models:
            return JSONResponse(
                error_body(f"The model `{body.get('model')}` does not exist.", "model_not_found"),
                404,
            )
        if not body.get("messages"):
            return JSONResponse(error_body("'messages' is a required property."), 400)
        if not body.get("stream"):
            return JSONResponse(self._completion(body["model"]))
        usage = (body.get("stream_options") or {}).get("include_usage", False)
        return _SSEResponse(self._stream(body["model"], usage))

    async def _record(self, request: Request) -> dict[str, Any]:
        raw = await request.body()
        record = {
            "method": request.method,
            "path": request.url.path,
            "query": dict(request.query_params),
            "headers": {k.lower(): v for k, v in request.headers.items()},
            "json": json.loads(raw) if raw else None,
        }
        self.requests.append(record)
        return record

    def _gate(self, request: Request) -> Response | None:
        """The scripted failure or the authentication error for this request, if any."""
        if self._failures:
            failure = self._failures[0]
            failure["times"] -= 1
            if failure["times"] <= 0:
                self._failures.pop(0)
            return JSONResponse(failure["body"], failure["status"], headers=failure["headers"])
        if self.api_key and request.headers.get("authorization") != f"Bearer {self.api_key}":
            return JSONResponse(error_body("Incorrect API key provided.", "invalid_api_key"), 401)
        return None

    def _completion(self, model: str) -> dict[str, Any]:
        message = {"role": "assistant", "content": self.reply}
        return {
            "id": "chatcmpl-emulated",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": self.finish_reason}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10},
        }

    async def _stream(self, model: str, usage: bool) -> AsyncIterator[bytes]:
        tokens = re.findall(r"\s*\S+\s*", self.reply)
        deltas = [{"role": "assistant", "content": ""}] + [{"content": t} for t in tokens]
        chunks = [_chunk(model, delta) for delta in deltas]
        chunks.append(_chunk(model, {}, self.finish_reason))
        if usage:
            counts = {"prompt_tokens": 5, "completion_tokens": len(tokens)}
            counts["total_tokens"] = counts["prompt_tokens"] + counts["completion_tokens"]
            chunks.append({**_chunk(model, {}), "choices": [], "usage": counts})
        finished = False
        try:
            for index, chunk in enumerate(chunks):
                if self.cut_after is not None and index >= self.cut_after:
                    finished = True
                    yield _CUT
                    return
                delay = self.first_token_delay if index == 1 else self.token_delay
                if delay:
                    await asyncio.sleep(delay)
                yield f"data: {json.dumps(chunk)}\n\n".encode()
            yield b"data: [DONE]\n\n"
            finished = True
        finally:
            if not finished:
                self.disconnects += 1


class _SSEResponse(StreamingResponse):
    """A server-sent-events stream that drops the connection when its iterator yields ``_CUT``."""

    media_type = "text/event-stream"

    async def stream_response(self, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        async for chunk in self.body_iterator:
            if chunk is _CUT:
                return
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


def _chunk(model: str, delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-emulated",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


def error_body(message: str, code: str | None = None) -> dict[str, Any]:
    """OpenAI's error JSON."""
    return {
        "error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}
    }


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """Each test runs in an empty folder, without settings from the outer environment."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "AGENTKIT_", "DEFAULT_")):
            monkeypatch.delenv(name)


@pytest.fixture
def emulator() -> OpenAICompatibleUpstream:
    return OpenAICompatibleUpstream()


@pytest.fixture
def emulator_url(emulator: OpenAICompatibleUpstream) -> Iterator[str]:
    """The emulator's API root, as OPENAI_COMPATIBLE_BASE_URL takes it."""
    with serve(emulator.app) as url:
        yield f"{url}/v1"


@pytest.fixture
def host(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., str]]:
    """``host(**env)`` starts a real AgentKit host, with only this plugin loaded, after setting
    ``env``; returns its base URL."""
    from agentkit.app import create_app

    monkeypatch.setenv("AGENTKIT_PLUGINS", "openai-compatible")
    monkeypatch.setenv("DEFAULT_PROVIDER", "openai-compatible")
    monkeypatch.setenv("AGENTKIT_RETRY_BACKOFF", "0.01")
    with ExitStack() as stack:

        def start(**env: str) -> str:
            for name, value in env.items():
                monkeypatch.setenv(name, value)
            return stack.enter_context(serve(create_app()))

        yield start
