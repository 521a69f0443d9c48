"""A loopback emulator of the Gemini API (generativelanguage.googleapis.com), as google-genai 3.x
and ChatGoogleGenerativeAI call it.

It speaks the REST protocol: ``/v1/`` and ``/v1beta/`` paths, the ``x-goog-api-key`` header (or
``?key=``), paginated ``GET models``, ``GET models/{m}``, ``POST models/{m}:generateContent`` and
``:streamGenerateContent?alt=sse`` (``data: {json}`` events, no ``[DONE]``), and Google's error
JSON (``{"error": {"code", "message", "status", "details"}}``).

Knobs, settable at any time: ``reply``, ``first_token_delay``, ``token_delay``, ``fail(...)``,
``cut_after``, ``models``, ``tool_call``, ``block_prompt`` and ``block_answer``. Every request is
recorded in ``requests``; streams the client abandons are counted in ``disconnects``.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from agentkit.testing.emulator import Emulator, tokens_of

DEFAULT_KEY = "test-gemini-key"
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000

STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

GENERATE_METHODS = ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"]
HARM_CATEGORIES = [
    "HARM_CATEGORY_SEXUALLY_EXPLICIT",
    "HARM_CATEGORY_HATE_SPEECH",
    "HARM_CATEGORY_HARASSMENT",
    "HARM_CATEGORY_DANGEROUS_CONTENT",
]


def model_entry(
    model_id: str,
    display_name: str | None = None,
    *,
    methods: list[str] | None = None,
    input_tokens: int = 1_048_576,
    output_tokens: int = 65_536,
) -> dict[str, Any]:
    """One model as ``GET models`` returns it."""
    return {
        "name": f"models/{model_id}",
        "version": "001",
        "displayName": display_name or model_id,
        "description": f"Emulated {display_name or model_id}.",
        "inputTokenLimit": input_tokens,
        "outputTokenLimit": output_tokens,
        "supportedGenerationMethods": list(GENERATE_METHODS if methods is None else methods),
        "temperature": 1,
        "topP": 0.95,
        "topK": 64,
        "maxTemperature": 2,
    }


def default_models() -> list[dict[str, Any]]:
    """A small catalogue like the real one: chat models mixed with embedding and image models."""
    return [
        model_entry("embedding-001", "Embedding 001", methods=["embedContent"], output_tokens=1),
        model_entry("gemini-2.5-flash", "Gemini 2.5 Flash"),
        model_entry("gemini-2.5-pro", "Gemini 2.5 Pro"),
        model_entry("text-embedding-004", "Text Embedding 004", methods=["embedContent"]),
        model_entry("gemini-2.0-flash", "Gemini 2.0 Flash", output_tokens=8192),
        model_entry("gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite"),
        model_entry("imagen-4.0-generate-001", "Imagen 4", methods=["predict"]),
        model_entry("gemini-embedding-001", "Gemini Embedding 001", methods=["embedContent"]),
    ]


def error_body(
    status: int, message: str | None = None, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Google's error JSON for ``status``."""
    error: dict[str, Any] = {
        "code": status,
        "message": message or f"Emulated error {status}.",
        "status": STATUS_NAMES.get(status, "UNKNOWN"),
    }
    if details is None and status == 429:
        details = [retry_info("30s")]
    if details:
        error["details"] = details
    return {"error": error}


def retry_info(delay: str) -> dict[str, Any]:
    """A ``google.rpc.RetryInfo`` detail, e.g. ``retry_info("1.5s")``."""
    return {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": delay}


def _bad_key_body() -> dict[str, Any]:
    message = "API key not valid. Please pass a valid API key."
    return error_body(
        400,
        message,
        [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
                "metadata": {"service": "generativelanguage.googleapis.com"},
            },
            {
                "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                "locale": "en-US",
                "message": message,
            },
        ],
    )


class GeminiEmulator(Emulator):
    """The Gemini API on loopback. Serve ``.app`` with ``agentkit.testing.serve``."""

    def __init__(
        self,
        *,
        api_key: str = DEFAULT_KEY,
        reply: str = "Hello from the Gemini emulator.",
        models: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(reply)
        self.api_key = api_key
        self.models = default_models() if models is None else models
        self.block_prompt: str | None = None
        self.block_answer: str | None = None
        self.app = Starlette(
            routes=[
                Route("/{version:str}/models", self._list_models, methods=["GET"]),
                Route("/{version:str}/models/{target:path}", self._model, methods=["GET", "POST"]),
            ]
        )

    def requests_to(self, method: str) -> list[dict[str, Any]]:
        """The recorded requests for one API method: ``"models"`` (listing),
        ``"generateContent"`` or ``"streamGenerateContent"``."""
        if method == "models":
            return [r for r in self.requests if r["path"].endswith("/models")]
        return [r for r in self.requests if r["path"].endswith(f":{method}")]

    def error_body(self, status: int) -> Any:
        return error_body(status)

    def chunk_bytes(self, text: str) -> bytes:
        candidate = {"content": {"parts": [{"text": text}], "role": "model"}, "index": 0}
        return _sse_event({"candidates": [candidate], "modelVersion": "gemini-2.5-flash"})

    def error_event(self, message: str) -> bytes:
        return _sse_event(error_body(500, message))

    # --- request handling -------------------------------------------------------------

    def _gate(self, request: Request) -> Response | None:
        """The scripted failure or authentication error for this request, if any."""
        version = request.path_params["version"]
        if version not in ("v1", "v1beta", "v1alpha"):
            return _error(404, f"Unknown API version {version!r}.")
        if (failure := self.scripted_failure(request)) is not None:
            return failure
        key = request.headers.get("x-goog-api-key") or request.query_params.get("key")
        if not key:
            return _error(
                403,
                "Method doesn't allow unregistered callers (callers without established "
                "identity). Please use API Key or other form of API consumer identity to call "
                "this API.",
            )
        if key != self.api_key:
            return JSONResponse(_bad_key_body(), 400)
        return None

    async def _list_models(self, request: Request) -> Response:
        await self.record(request)
        if (problem := self._gate(request)) is not None:
            return problem
        try:
            size = int(request.query_params.get("pageSize") or DEFAULT_PAGE_SIZE)
            start = int(request.query_params.get("pageToken") or "0", 16)
        except ValueError:
            return _error(400, "Invalid page token or page size.")
        size = min(max(size, 1), MAX_PAGE_SIZE)
        page = self.models[start : start + size]
        body: dict[str, Any] = {"models": page}
        if start + size < len(self.models):
            body["nextPageToken"] = format(start + size, "x")
        return JSONResponse(body)

    async def _model(self, request: Request) -> Response:
        record = await self.record(request)
        if (problem := self._gate(request)) is not None:
            return problem
        target = request.path_params["target"]
        version = request.path_params["version"]
        model_id, _, method = target.partition(":")
        model = self._find(model_id)
        if request.method == "GET" and not method:
            if model is None:
                return _error(404, f"models/{model_id} is not found for API version {version}.")
            return JSONResponse(model)
        if request.method != "POST" or method not in (
            "generateContent",
            "streamGenerateContent",
        ):
            return _error(404, f"Method {method or 'GET'} is not found on models/{model_id}.")
        if model is None or "generateContent" not in model["supportedGenerationMethods"]:
            return _error(
                404,
                f"models/{model_id} is not found for API version {version}, or is not supported "
                "for generateContent. Call ListModels to see the list of available models and "
                "their supported methods.",
            )
        body = record["json"] or {}
        if not body.get("contents"):
            return _error(400, "* GenerateContentRequest.contents: contents is not specified")
        chunks = self._answer(model_id, body)
        if method == "generateContent":
            return JSONResponse(_merge(chunks))
        if request.query_params.get("alt") != "sse":
            return JSONResponse(chunks)
        return self.stream(chunks, _sse_event, "text/event-stream")

    def _find(self, model_id: str) -> dict[str, Any] | None:
        return next((m for m in self.models if m["name"] == f"models/{model_id}"), None)

    # --- answers -------------------------------------------------------------------

    def _answer(self, model_id: str, body: dict[str, Any]) -> list[dict[str, Any]]:
        """The GenerateContentResponse chunks for this request, as the knobs say."""
        prompt_tokens = max(1, len(json.dumps(body.get("contents"))) // 4)
        envelope = {"modelVersion": model_id, "responseId": uuid.uuid4().hex[:22]}
        if self.block_prompt:
            return [
                {
                    "promptFeedback": {
                        "blockReason": self.block_prompt,
                        "safetyRatings": _safety_ratings(blocked=self.block_prompt == "SAFETY"),
                    },
                    "usageMetadata": _usage(prompt_tokens, 0),
                    **envelope,
                }
            ]
        if self.block_answer:
            candidate = {
                "finishReason": self.block_answer,
                "index": 0,
                "safetyRatings": _safety_ratings(blocked=True),
            }
            return [
                {"candidates": [candidate], "usageMetadata": _usage(prompt_tokens, 0), **envelope}
            ]
        if self.tool_call:
            calls = self.tool_call if isinstance(self.tool_call, list) else [self.tool_call]
            parts = [
                {"functionCall": {"name": c["name"], "args": c.get("arguments", {})}} for c in calls
            ]
        else:
            parts = [{"text": token} for token in tokens_of(self.reply)] or [{"text": ""}]
        chunks = []
        for index, part in enumerate(parts):
            candidate: dict[str, Any] = {"content": {"parts": [part], "role": "model"}, "index": 0}
            chunk: dict[str, Any] = {"candidates": [candidate], **envelope}
            if index == len(parts) - 1:
                candidate["finishReason"] = "STOP"
                chunk["usageMetadata"] = _usage(prompt_tokens, len(parts))
            chunks.append(chunk)
        if self.tool_call:  # Gemini sends all function calls of a turn in one response
            return [_merge(chunks)]
        return chunks


def _sse_event(chunk: dict[str, Any]) -> bytes:
    return f"data: {json.dumps(chunk, separators=(',', ':'))}\r\n\r\n".encode()


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse(error_body(status, message), status)


def _usage(prompt: int, candidates: int) -> dict[str, Any]:
    return {
        "promptTokenCount": prompt,
        "candidatesTokenCount": candidates,
        "totalTokenCount": prompt + candidates,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": prompt}],
    }


def _safety_ratings(*, blocked: bool) -> list[dict[str, Any]]:
    ratings = [{"category": c, "probability": "NEGLIGIBLE"} for c in HARM_CATEGORIES]
    if blocked:
        ratings[-1] = {"category": HARM_CATEGORIES[-1], "probability": "HIGH", "blocked": True}
    return ratings


def _merge(chunks: list[dict[str, Any]]) -> dict[str, Any]:
    """Fold streamed chunks into the one response ``generateContent`` answers."""
    merged = json.loads(json.dumps(chunks[-1]))
    candidates = merged.get("candidates")
    if candidates and "content" in candidates[0]:
        parts = [p for c in chunks for p in c["candidates"][0]["content"]["parts"]]
        texts = [p["text"] for p in parts if "text" in p]
        calls = [p for p in parts if "text" not in p]
        candidates[0]["content"]["parts"] = ([{"text": "".join(texts)}] if texts else []) + calls
    return merged
