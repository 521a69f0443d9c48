"""A loopback emulator of the Ollama HTTP API, as ``ollama serve`` answers it and the ``ollama``
Python client (under ChatOllama) calls it.

It speaks ``GET /api/tags``, ``POST /api/show``, ``GET /api/version``, ``GET /api/ps`` and
``POST /api/chat``: streamed as NDJSON (``application/x-ndjson``, one JSON object a line, the last
with ``"done": true``, ``done_reason`` and token counts) or, with ``"stream": false``, one JSON
object. Errors are Ollama's ``{"error": "..."}`` bodies: 404 for a model that is not pulled, 400
for a model that cannot chat, use tools, think or see, for a ``think`` value Ollama cannot read, and
for an image that is not base64 or not an image.
With ``required_headers`` set it behaves like an authenticating proxy in front of Ollama and
answers 401 without them.

Knobs, settable at any time: ``reply``, ``thinking`` (what a thinking model thinks before it
answers), ``first_token_delay``, ``token_delay``, ``fail(...)``, ``cut_after``, ``models``,
``tool_call``, ``required_headers`` and ``show_delay``; each ``OllamaModel`` has its
``capabilities``, ``context_length`` and Modelfile ``parameters`` (``{"num_ctx": 8192}``).

Thinking follows the server's rules (github.com/ollama/ollama at fb30760, Aug 2026):

- ``think`` is a boolean or ``"low"``, ``"medium"``, ``"high"``, ``"max"``; anything else is a 400
  before the model is even looked up, worded as ``api.ThinkValue.UnmarshalJSON`` words it
  (api/types.go);
- a model with the ``thinking`` capability thinks when ``think`` is left out (the server sets it
  to true, server/routes.go ChatHandler); a model without it answers a ``think`` that asks for
  thinking (true or a level) with 400 ``"<model>" does not support thinking``, and takes false;
- gpt-oss (family ``gptoss``) always thinks: its harmony parser separates the analysis channel
  whatever ``think`` says; true/false are ignored (docs/capabilities/thinking.mdx);
- the thinking streams as ``message.thinking`` lines (``content`` empty) before the answer's
  ``message.content``; ``num_predict`` bounds thinking and answer together, and ``eval_count``
  counts both (Ollama reports no separate thinking count);
- ``"stream": false`` answers one object whose message carries the whole ``thinking``.

Images and profiles follow the same server:

- a message's ``images`` are base64 texts (``api.Message.Images []ImageData``, a ``[]byte`` that
  Go's encoding/json decodes with ``base64.StdEncoding``); one that is not gives 400 ``illegal
  base64 data at input byte N`` (Go's ``base64.CorruptInputError``) while the request is read,
  before the model is looked up; an image that is a number, boolean, array or object is a 400
  too (encoding/json's type error; its exact wording is this emulator's best reading);
- images to a model without the ``vision`` capability give 400 with llama-server's JSON error
  envelope as Ollama's error text: ``{"error":{"code":400,"message":"Multimodal data provided, but
  model does not support multimodal requests.","type":"invalid_request_error"}}``. Ollama does
  not check this itself: since 0.30 (llama-server runs every GGUF model) it hands the images to
  llama-server, which refuses them without a vision projector, and
  ``llamaServerRunner.statusErrorMessage`` passes its body on (llm/llama_server.go). Before 0.30
  the images were silently ignored;
- an image a vision model gets must be one: bytes that are not PNG, JPEG, GIF, WebP or BMP (what
  Go's ``http.DetectContentType`` and llama-server's stb_image both read) give 400 with
  llama-server's ``Failed to load image or audio file`` in the same envelope. Audio bytes
  (WAV, MP3), which Ollama passes on as audio to a model with the ``audio`` capability, are
  refused the same way here: no emulated model hears;
- ``/api/show`` answers ``capabilities``, ``model_info`` with GGUF keys
  (``general.architecture``, ``<architecture>.context_length``, ``.embedding_length``,
  ``.block_count``, ``.vision.*`` for a vision model) and ``parameters``, the Modelfile's
  parameters one a line, the name padded to 30 characters (server/routes.go ``GetModelInfo``);
- ``prompt_eval_count`` counts an image as 768 tokens, the figure Ollama's own truncation uses
  (server/prompt.go).

Every request is recorded in ``requests``; streams the client abandons are counted in
``disconnects``; ``peak_shows`` is the most ``/api/show`` requests answered at once.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from agentkit.testing.emulator import Emulator, tokens_of

VERSION = "0.32.15"
"""The release whose behaviour the emulator follows (the commit named above is after it)."""


@dataclass
class OllamaModel:
    """One pulled model: what ``/api/tags`` lists and ``/api/show`` describes."""

    name: str
    size: int = 4_683_075_271
    family: str = "qwen2"
    parameter_size: str = "7.6B"
    quantization_level: str = "Q4_K_M"
    capabilities: list[str] = field(default_factory=lambda: ["completion", "tools"])
    context_length: int = 32768
    parameters: dict[str, Any] = field(default_factory=lambda: {"stop": "<|im_end|>"})
    digest: str = ""

    def __post_init__(self) -> None:
        self.digest = self.digest or hashlib.sha256(self.name.encode()).hexdigest()

    def details(self) -> dict[str, Any]:
        return {
            "parent_model": "",
            "format": "gguf",
            "family": self.family,
            "families": [self.family],
            "parameter_size": self.parameter_size,
            "quantization_level": self.quantization_level,
        }

    def tag(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "model": self.name,
            "modified_at": "2025-05-10T08:06:48.639712648-07:00",
            "size": self.size,
            "digest": self.digest,
            "details": self.details(),
        }

    def show(self) -> dict[str, Any]:
        parameters = [
            f"{name:<30} {_go_value(value)}"
            for name, values in self.parameters.items()
            for value in (values if isinstance(values, list) else [values])
        ]
        return {
            "license": "Emulated license",
            "modelfile": f"# Modelfile generated by the emulator\nFROM {self.name}\n",
            "parameters": "\n".join(parameters),
            "template": "{{ .Prompt }}",
            "details": self.details(),
            "model_info": self.model_info(),
            "capabilities": list(self.capabilities),
            "modified_at": "2025-05-10T08:06:48.639712648-07:00",
        }

    def model_info(self) -> dict[str, Any]:
        """GGUF metadata as ``/api/show`` lists it: ``general.*``, then the architecture's keys."""
        arch = self.family
        info: dict[str, Any] = {
            "general.architecture": arch,
            "general.file_type": 15,
            "general.parameter_count": 7_615_616_512,
            "general.quantization_version": 2,
            f"{arch}.attention.head_count": 28,
            f"{arch}.block_count": 28,
            f"{arch}.context_length": self.context_length,
            f"{arch}.embedding_length": 3584,
        }
        if "vision" in self.capabilities:
            info |= {
                f"{arch}.vision.block_count": 27,
                f"{arch}.vision.embedding_length": 1152,
                f"{arch}.vision.image_size": 896,
            }
        return info | {"tokenizer.ggml.model": "gpt2", "tokenizer.ggml.tokens": None}


def default_models() -> list[OllamaModel]:
    """A small local library: a chat model with tools, one with vision, two that think (qwen3
    takes ``think`` as true/false, gpt-oss as a level), one that sees, thinks and uses tools
    (qwen3-vl), an embedding model."""
    return [
        OllamaModel("qwen:7b", size=4_511_151_022, capabilities=["completion"]),
        OllamaModel(
            "llama3.2:latest",
            size=2_019_393_189,
            family="llama",
            parameter_size="3.2B",
            context_length=131072,
        ),
        OllamaModel(
            "gemma3:4b",
            size=3_338_801_804,
            family="gemma3",
            parameter_size="4.3B",
            capabilities=["completion", "vision"],
        ),
        OllamaModel(
            "qwen3:8b",
            size=5_225_387_923,
            family="qwen3",
            parameter_size="8.2B",
            capabilities=["completion", "tools", "thinking"],
            context_length=40960,
        ),
        OllamaModel(
            "gpt-oss:20b",
            size=13_780_173_839,
            family="gptoss",
            parameter_size="20.9B",
            quantization_level="MXFP4",
            capabilities=["completion", "tools", "thinking"],
            context_length=131072,
        ),
        OllamaModel(
            "qwen3-vl:8b",
            size=6_136_415_262,
            family="qwen3vl",
            parameter_size="8.8B",
            capabilities=["completion", "vision", "tools", "thinking"],
            context_length=262144,
        ),
        OllamaModel(
            "nomic-embed-text:latest",
            size=274_302_450,
            family="nomic-bert",
            parameter_size="137M",
            quantization_level="F16",
            capabilities=["embedding"],
            context_length=2048,
        ),
    ]


def full_name(name: str) -> str:
    """Ollama's reading of a model name: no tag means ``:latest``."""
    return name if ":" in name.rpartition("/")[2] else f"{name}:latest"


class OllamaEmulator(Emulator):
    """The Ollama API on loopback. Serve ``.app`` with ``agentkit.testing.serve``."""

    def __init__(
        self,
        *,
        reply: str = "Hello from the Ollama emulator.",
        models: list[OllamaModel] | None = None,
        required_headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(reply)
        self.models = default_models() if models is None else models
        self.required_headers = required_headers or {}
        self.show_delay = 0.0
        self.peak_shows = 0  # the most /api/show requests answered at once
        self._shows = 0
        self.app = Starlette(
            routes=[
                Route("/", self._root, methods=["GET", "HEAD"]),
                Route("/api/version", self._version, methods=["GET"]),
                Route("/api/tags", self._tags, methods=["GET"]),
                Route("/api/ps", self._ps, methods=["GET"]),
                Route("/api/show", self._show, methods=["POST"]),
                Route("/api/chat", self._chat, methods=["POST"]),
            ]
        )

    def requests_to(self, path: str) -> list[dict[str, Any]]:
        """The recorded requests to one path, e.g. ``"/api/chat"``."""
        return [r for r in self.requests if r["path"] == path]

    def chunk_bytes(self, text: str) -> bytes:
        return _ndjson(_line(self.models[0].name if self.models else "m", text))

    def error_event(self, message: str) -> bytes:
        return _ndjson({"error": message})  # what Ollama streams when the runner fails

    def find(self, name: str) -> OllamaModel | None:
        return next((m for m in self.models if full_name(m.name) == full_name(name)), None)

    # --- request handling -------------------------------------------------------------

    def _gate(self, request: Request) -> Response | None:
        """The proxy's authentication error or the scripted failure for this request, if any."""
        for name, value in self.required_headers.items():
            if request.headers.get(name) != value:
                return JSONResponse({"error": "unauthorized"}, 401)
        return self.scripted_failure(request)

    async def _root(self, request: Request) -> Response:
        return Response("Ollama is running", media_type="text/plain")

    async def _version(self, request: Request) -> Response:
        await self.record(request)
        return self._gate(request) or JSONResponse({"version": VERSION})

    async def _tags(self, request: Request) -> Response:
        await self.record(request)
        return self._gate(request) or JSONResponse({"models": [m.tag() for m in self.models]})

    async def _ps(self, request: Request) -> Response:
        await self.record(request)
        if (problem := self._gate(request)) is not None:
            return problem
        loaded = [
            {
                **model.tag(),
                "expires_at": "2099-01-01T00:00:00Z",
                "size_vram": model.size,
                "context_length": 4096,
            }
            for model in self.models[:1]
        ]
        return JSONResponse({"models": loaded})

    async def _show(self, request: Request) -> Response:
        record = await self.record(request)
        if (problem := self._gate(request)) is not None:
            return problem
        body = record["json"] or {}
        name = body.get("model") or body.get("name") or ""
        model = self.find(name)
        self._shows += 1
        self.peak_shows = max(self.peak_shows, self._shows)
        try:
            await asyncio.sleep(self.show_delay)
        finally:
            self._shows -= 1
        if model is None:
            return JSONResponse({"error": f"model '{name}' not found"}, 404)
        return JSONResponse(model.show())

    async def _chat(self, request: Request) -> Response:
        record = await self.record(request)
        if (problem := self._gate(request)) is not None:
            return problem
        body = record["json"]
        if not isinstance(body, dict):
            return JSONResponse({"error": "invalid JSON body"}, 400)
        if (problem := _binding_problem(body)) is not None:
            return JSONResponse({"error": problem}, 400)
        think = body.get("think")
        name = str(body.get("model") or "")
        model = self.find(name)
        if not name:
            return JSONResponse({"error": "model is required"}, 400)
        if model is None:
            return JSONResponse(
                {"error": f"model {json.dumps(name)} not found, try pulling it first"}, 404
            )
        if think not in (None, False) and "thinking" not in model.capabilities:
            return JSONResponse({"error": f"{json.dumps(name)} does not support thinking"}, 400)
        if "completion" not in model.capabilities:
            return JSONResponse({"error": f"{json.dumps(name)} does not support chat"}, 400)
        if body.get("tools") and "tools" not in model.capabilities:
            return JSONResponse(
                {"error": f"registry.ollama.ai/library/{full_name(name)} does not support tools"},
                400,
            )
        if _images(body) and "vision" not in model.capabilities:
            return JSONResponse({"error": _llama_server_error(NO_VISION)}, 400)
        if any(not _is_image(image) for image in _images(body)):
            return JSONResponse({"error": _llama_server_error(NOT_AN_IMAGE)}, 400)
        lines = self._answer(name, model, body)
        if body.get("stream", True) is False:
            return JSONResponse(_merge(lines))
        return self.stream(lines, _ndjson, "application/x-ndjson")

    # --- answers -------------------------------------------------------------------

    def _answer(self, name: str, model: OllamaModel, body: dict[str, Any]) -> list[dict[str, Any]]:
        """The chat response lines for this request, as the knobs say."""
        if not body.get("messages"):  # Ollama loads the model and answers with nothing
            return [_line(name, "", done=True, done_reason="load")]
        text = [{k: v for k, v in m.items() if k != "images"} for m in body["messages"]]
        prompt_tokens = max(1, len(json.dumps(text)) // 4) + IMAGE_TOKENS * len(_images(body))
        thoughts = tokens_of(self.thinking) if _thinks(model, body.get("think")) else []
        tokens = [("thinking", token) for token in thoughts]
        calls = []
        if self.tool_call:
            calls = self.tool_call if isinstance(self.tool_call, list) else [self.tool_call]
        else:
            tokens += [("content", token) for token in tokens_of(self.reply)]
        limit = (body.get("options") or {}).get("num_predict")
        reason = "stop"
        if isinstance(limit, int) and 0 <= limit < len(tokens):
            tokens, reason = tokens[:limit], "length"
        lines = [
            _line(name, "", thinking=token) if kind == "thinking" else _line(name, token)
            for kind, token in tokens
        ]
        if calls:
            lines.append(_line(name, "", tool_calls=[_tool_call(c) for c in calls]))
        final = _line(name, "", done=True, done_reason=reason)
        final.update(
            total_duration=1_234_567_890,
            load_duration=12_345_678,
            prompt_eval_count=prompt_tokens,
            prompt_eval_duration=123_456_789,
            eval_count=len(tokens) + len(calls),  # the thinking counts too
            eval_duration=987_654_321,
        )
        return [*lines, final]


THINK_LEVELS = ("high", "medium", "low", "max")

NO_VISION = "Multimodal data provided, but model does not support multimodal requests."
"""llama-server's words for images sent to a model without a vision projector."""

NOT_AN_IMAGE = "Failed to load image or audio file"
"""llama-server's words for image bytes it cannot decode (mtmd's ``bitmap_init_from_buf``)."""

IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")
"""How PNG, JPEG, GIF and BMP files start (WebP: ``RIFF????WEBP``, checked apart)."""


def _llama_server_error(message: str) -> str:
    """Ollama's error text for a llama-server 400: llama-server's JSON envelope, as it sent it."""
    error = {"code": 400, "message": message, "type": "invalid_request_error"}
    return json.dumps({"error": error}, separators=(",", ":"))


def _images(body: dict[str, Any]) -> list[bytes]:
    """Every image of the request's messages, decoded (``_binding_problem`` found them base64;
    a JSON null is no image, as Go reads it)."""
    messages = [m for m in body.get("messages") or [] if isinstance(m, dict)]
    images = [image for m in messages for image in m.get("images") or []]
    return [base64.b64decode(image) for image in images if isinstance(image, str)]


def _is_image(data: bytes) -> bool:
    """Whether ``data`` starts as an image file that llama-server can decode."""
    webp = data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    return webp or data.startswith(IMAGE_MAGIC)


IMAGE_TOKENS = 768
"""What an image counts in ``prompt_eval_count`` here (server/prompt.go ``imageNumTokens``)."""

BASE64 = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


def _binding_problem(body: dict[str, Any]) -> str | None:
    """The 400 message reading the request body gives, else ``None``: Go decodes the fields in
    the order they come, and the first error ends it."""
    for key, value in body.items():
        if key == "messages" and isinstance(value, list):
            for message in value:
                images = message.get("images") if isinstance(message, dict) else None
                for image in images or []:
                    if isinstance(image, bool | int | float | list | dict):
                        return (
                            f"json: cannot unmarshal {_json_kind(image)} into Go struct field "
                            "Alias.images of type api.ImageData"
                        )
                    offset = _base64_error(image.encode()) if isinstance(image, str) else None
                    if offset is not None:
                        return f"illegal base64 data at input byte {offset}"
        if key == "think" and (problem := _think_problem(value)) is not None:
            return problem
    return None


def _base64_error(data: bytes) -> int | None:
    """Where Go's ``base64.StdEncoding`` gives up on ``data`` (its ``CorruptInputError``), or
    ``None`` when it decodes: padding is required, CR and LF are skipped (encoding/base64
    ``decodeQuantum``)."""
    si, end = 0, len(data)
    while si < end:
        j = 0
        while j < 4:
            if si == end:
                return None if j == 0 else si - j
            char = data[si]
            si += 1
            if char in BASE64:
                j += 1
            elif char in b"\r\n":
                continue
            elif char != ord("=") or j < 2:
                return si - 1
            else:  # padding: "==" after two characters, "=" after three, then nothing
                if j == 2:
                    while si < end and data[si] in b"\r\n":
                        si += 1
                    if si == end:
                        return end
                    if data[si] != ord("="):
                        return si - 1
                    si += 1
                while si < end and data[si] in b"\r\n":
                    si += 1
                return si if si < end else None
    return None


def _json_kind(value: Any) -> str:
    """How Go's encoding/json names a JSON value's kind in its type errors."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return "array" if isinstance(value, list) else "object"


def _go_value(value: Any) -> str:
    """A Modelfile parameter's value as Go's ``%#v`` prints it: strings quoted, numbers bare."""
    return json.dumps(value) if isinstance(value, str) else str(value)


def _think_problem(think: Any) -> str | None:
    """Ollama's 400 message for a ``think`` value it cannot read, else ``None``."""
    if think is None or isinstance(think, bool):
        return None
    levels = '"high", "medium", "low", "max", true, or false'
    if not isinstance(think, str):
        return f"think must be a boolean or string ({levels})"
    if think not in THINK_LEVELS:
        return f"invalid think value: {json.dumps(think)} (must be {levels})"
    return None


def _thinks(model: OllamaModel, think: Any) -> bool:
    """Whether ``model`` thinks for a request's ``think``: a model with the capability thinks
    unless told false; gpt-oss always thinks."""
    if "thinking" not in model.capabilities:
        return False
    return model.family in ("gptoss", "gpt-oss") or think is not False


def _ndjson(line: dict[str, Any]) -> bytes:
    return (json.dumps(line, separators=(",", ":")) + "\n").encode()


def _line(name: str, content: str, *, done: bool = False, **extra: Any) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if "tool_calls" in extra:
        message["tool_calls"] = extra.pop("tool_calls")
    if "thinking" in extra:
        message["thinking"] = extra.pop("thinking")
    created = datetime.fromtimestamp(time.time(), UTC).isoformat().replace("+00:00", "Z")
    return {"model": name, "created_at": created, "message": message, "done": done, **extra}


def _tool_call(call: dict[str, Any]) -> dict[str, Any]:
    """A tool call as Ollama sends it: arguments as a JSON object, not a string."""
    return {"function": {"name": call["name"], "arguments": call.get("arguments", {})}}


def _merge(lines: list[dict[str, Any]]) -> dict[str, Any]:
    """Fold streamed lines into the one object ``"stream": false`` answers."""
    merged = dict(lines[-1])
    message: dict[str, Any] = {
        "role": "assistant",
        "content": "".join(line["message"]["content"] for line in lines),
    }
    calls = [c for line in lines for c in line["message"].get("tool_calls", [])]
    if calls:
        message["tool_calls"] = calls
    thinking = "".join(line["message"].get("thinking", "") for line in lines)
    if thinking:
        message["thinking"] = thinking
    merged["message"] = message
    return merged
