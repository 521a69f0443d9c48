"""A loopback emulator of the Gemini API (generativelanguage.googleapis.com), as google-genai 3.x
and ChatGoogleGenerativeAI call it.

It speaks the REST protocol: ``/v1/`` and ``/v1beta/`` paths, the ``x-goog-api-key`` header (or
``?key=``), paginated ``GET models``, ``GET models/{m}``, ``POST models/{m}:generateContent`` and
``:streamGenerateContent?alt=sse`` (``data: {json}`` events, no ``[DONE]``), and Google's error
JSON (``{"error": {"code", "message", "status", "details"}}``).

Thinking follows Google's rules (the README's "Reasoning" section says where each comes from):

- ``generationConfig.thinkingConfig`` takes ``includeThoughts``, ``thinkingBudget`` (Gemini 2.5,
  in the model's range, ``-1`` dynamic, ``0`` off where the model allows it) and ``thinkingLevel``
  (Gemini 3, the levels the model takes), in camelCase or in the snake_case google-genai sends;
  both at once, a budget out of range, a level on 2.5 or one the model does not take, and any
  thinking setting on a model that does not think are Gemini's own 400s;
- a model that thinks (Gemini 3 always; 2.5 Pro always; 2.5 Flash unless the budget is 0; 2.5
  Flash-Lite only with a budget) streams the ``thinking`` knob as thought parts
  (``{"text", "thought": true}``) before the answer when ``includeThoughts`` is set, and reports
  ``usageMetadata.thoughtsTokenCount`` beside ``candidatesTokenCount``;
- its answers carry a ``thoughtSignature`` (Gemini 3 always, 2.5 when the request declares
  functions): on the first ``functionCall`` part of a function-call answer, in a last empty text
  part of a text answer. Signatures are HMACs only this emulator can make, bound to the function
  call they came with, so a made-up or misplaced one is Gemini's 400 "Corrupted thought
  signature."; they are compared after base64 decoding, as Google accepts both alphabets;
- for Gemini 3, a request whose current turn (the model contents after the last user content with
  text) has a function-call step without the signature on its first ``functionCall`` part is
  Gemini's 400 "Function call is missing a thought_signature ...". Google's bypass values
  (``skip_thought_signature_validator``) are accepted and counted in ``bypasses``.

Media follow Google's rules too (the README's "Media and model profiles" section says where each
comes from):

- an ``inlineData`` part needs base64 ``data`` (either alphabet) and a ``mimeType`` Gemini takes
  (:data:`MEDIA_TYPES`, or any ``text/*`` document, read as plain text); otherwise Gemini's 400
  ("Base64 decoding failed", "Unsupported MIME type: ...");
- a request body larger than ``max_request_bytes`` (100 MB, Gemini's inline limit since January
  2026) is Gemini's 400 "Request payload size exceeds the limit: N bytes.";
- a ``fileData`` part may name a file of this emulator's Files API (``add_file``) by its ``uri``
  (not by its ``name``, ``files/abc``), or a public YouTube video: an unknown file is Gemini's
  403, one still ``PROCESSING`` its 400 ``FAILED_PRECONDITION``, any other URI its 400 "Invalid
  or unsupported file uri: ..." (stricter than Gemini, which since January 2026 also fetches
  public https URLs for models after 2.0: AgentKit never sends them); a ``mimeType`` sent with it
  must be one Gemini takes, and the file's own type applies when none is sent;
- a model without a modality (``modalities``: by default Gemma 3, which takes text only) refuses
  media of it: "Image input modality is not enabled for models/gemma-3-1b-it".

Knobs, settable at any time: ``reply``, ``thinking``, ``first_token_delay``, ``token_delay``,
``fail(...)``, ``cut_after``, ``models``, ``tool_call``, ``block_prompt``, ``block_answer``,
``modalities``, ``max_request_bytes``; ``add_file(...)`` puts a file in its Files API.
Every request is recorded in ``requests``; streams the client abandons are counted in
``disconnects``; ``signatures_issued`` and ``signatures_received`` hold the real signatures sent
and verified (standard base64), ``bypasses`` the parts that carried a bypass value instead.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
import string
import uuid
from dataclasses import dataclass
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
BYPASS_SIGNATURES = ("skip_thought_signature_validator", "context_engineering_is_the_way_to_go")
"""The dummy signatures Google documents for function calls that have no real one."""

MISSING_SIGNATURE = (
    "Function call is missing a thought_signature in functionCall parts. This is required for "
    "tools to work correctly, and missing thought_signature may lead to degraded model "
    "performance. Additional data, function call `default_api:{name}` , position {position}. "
    "Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details."
)
"""Gemini's 400 message for a current-turn function call without its signature; ``position``
counts the request's contents from 1."""

MEDIA_TYPES = {
    "image": frozenset({"image/png", "image/jpeg", "image/webp", "image/heic", "image/heif"}),
    "audio": frozenset(
        {
            "audio/wav",
            "audio/mp3",
            "audio/mpeg",
            "audio/aiff",
            "audio/aac",
            "audio/ogg",
            "audio/flac",
        }
    ),
    "video": frozenset(
        {
            "video/mp4",
            "video/mpeg",
            "video/mov",
            "video/quicktime",
            "video/avi",
            "video/x-flv",
            "video/mpg",
            "video/webm",
            "video/wmv",
            "video/3gpp",
        }
    ),
    "document": frozenset({"application/pdf"}),
}
"""The MIME types Gemini's guides list, by input modality (image, audio and video understanding,
document processing), with ``audio/mpeg`` and ``video/quicktime`` (what browsers call MP3 and
MOV files) from the Vertex AI guides for the same models. Anything else (``image/gif``,
``image/jpg``) is Gemini's 400 "Unsupported MIME type: image/jpg". Text documents (any
``text/*``, and the two ``application/x-`` code types) are read as plain text, so every model
takes them."""

TEXT_DOCUMENT_TYPES = frozenset({"application/x-javascript", "application/x-python"})

MAX_REQUEST_BYTES = 100 * 1024 * 1024
"""Gemini's limit on a request with inline data (base64 included): 100 MB since January 2026."""

FILES_URL = "https://generativelanguage.googleapis.com/v1beta/files"
FILE_URI = re.compile(
    r"https://generativelanguage\.googleapis\.com/v1(?:beta|alpha)?/files/([a-z0-9-]+)"
)
"""A Files API file's ``uri``, with its id (lowercase letters, digits and dashes)."""

YOUTUBE_URL = re.compile(
    r"https://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?v=|shorts/)|youtu\.be/)[\w-]{11}\S*"
)
"""A public YouTube video, the one kind of URL besides its Files API that every Gemini model
fetches itself (as a video)."""

TEXT_ONLY_MODELS = ("gemma-3-1b-it",)
"""Models that take no media: Gemma 3 1B reads text only, and Gemini refuses media to a model
without the modality ("Image input modality is not enabled for models/gemma-3-1b-it")."""


YOUTUBE_VIDEO = {"mimeType": "video/mp4", "state": "ACTIVE"}
"""What the emulator knows of a YouTube video named in a ``fileData`` part."""


@dataclass(frozen=True)
class ThinkingRules:
    """What one model family takes in ``thinkingConfig``."""

    levels: tuple[str, ...] = ()
    """The ``thinkingLevel`` values it takes: Gemini 3, which always thinks and always signs."""
    budget: tuple[int, int] | None = None
    """The range of ``thinkingBudget``: Gemini 2.5 (Gemini 3 accepts any, for compatibility)."""
    can_disable: bool = False
    """Whether a budget of 0 turns thinking off."""
    thinks_by_default: bool = True


THINKING_RULES = {
    "gemini-2.5-flash-lite": ThinkingRules(
        budget=(512, 24576), can_disable=True, thinks_by_default=False
    ),
    "gemini-2.5-flash": ThinkingRules(budget=(1, 24576), can_disable=True),
    "gemini-2.5-pro": ThinkingRules(budget=(128, 32768)),
    "gemini-3-pro": ThinkingRules(levels=("low", "high")),
    "gemini-3-flash": ThinkingRules(levels=("minimal", "low", "medium", "high")),
    "gemini-flash-latest": ThinkingRules(levels=("minimal", "low", "medium", "high")),
}
"""The families of the models that think, by model id prefix (longest first). Google also
serves aliases whose id names no generation (``gemini-flash-latest``); the emulator serves that
one as Gemini 3 Flash, for tests of a Gemini 3 model that langchain-google-genai does not
recognise as one (and so does not patch with the bypass value)."""

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
    thinking: bool = False,
) -> dict[str, Any]:
    """One model as ``GET models`` returns it (``"thinking": true`` for a model that thinks)."""
    entry = {
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
    if thinking:
        entry["thinking"] = True
    return entry


def default_models() -> list[dict[str, Any]]:
    """A small catalogue like the real one: chat models that think (2.5, 3) and two that do
    not (2.0, and Gemma 3, which takes text only), mixed with embedding and image models."""
    return [
        model_entry("embedding-001", "Embedding 001", methods=["embedContent"], output_tokens=1),
        model_entry("gemini-2.5-flash", "Gemini 2.5 Flash", thinking=True),
        model_entry("gemini-2.5-pro", "Gemini 2.5 Pro", thinking=True),
        model_entry("text-embedding-004", "Text Embedding 004", methods=["embedContent"]),
        model_entry("gemini-2.0-flash", "Gemini 2.0 Flash", output_tokens=8192),
        model_entry("gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite", thinking=True),
        model_entry("gemini-3-pro-preview", "Gemini 3 Pro Preview", thinking=True),
        model_entry("gemini-3-flash-preview", "Gemini 3 Flash Preview", thinking=True),
        model_entry("imagen-4.0-generate-001", "Imagen 4", methods=["predict"]),
        model_entry("gemini-embedding-001", "Gemini Embedding 001", methods=["embedContent"]),
        model_entry(
            "gemma-3-1b-it",
            "Gemma 3 1B",
            methods=["generateContent", "countTokens"],
            input_tokens=32_768,
            output_tokens=8192,
        ),
    ]


def thinking_config(body: dict[str, Any]) -> dict[str, Any] | None:
    """A request's ``generationConfig.thinkingConfig`` with camelCase keys and a lower-case level
    (google-genai sends snake_case keys and the level as an upper-case enum), or ``None``."""
    generation = body.get("generationConfig") or body.get("generation_config") or {}
    raw = generation.get("thinkingConfig", generation.get("thinking_config"))
    if not isinstance(raw, dict):
        return None
    config = {_camel(key): value for key, value in raw.items()}
    if isinstance(config.get("thinkingLevel"), str):
        config["thinkingLevel"] = config["thinkingLevel"].lower()
    return config


def thinking_rules(model: dict[str, Any]) -> ThinkingRules | None:
    """How a listed model thinks, or ``None`` when its metadata says it does not."""
    if not model.get("thinking"):
        return None
    model_id = model["name"].removeprefix("models/")
    return next(
        (rules for prefix, rules in THINKING_RULES.items() if model_id.startswith(prefix)),
        ThinkingRules(budget=(1, 24576), can_disable=True),
    )


def error_body(
    status: int,
    message: str | None = None,
    details: list[dict[str, Any]] | None = None,
    *,
    status_name: str | None = None,
) -> dict[str, Any]:
    """Google's error JSON for ``status`` (``status_name`` when it is not the usual one for the
    HTTP status, e.g. ``FAILED_PRECONDITION`` with 400)."""
    error: dict[str, Any] = {
        "code": status,
        "message": message or f"Emulated error {status}.",
        "status": status_name or STATUS_NAMES.get(status, "UNKNOWN"),
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


class Rejected(Exception):
    """A request Gemini refuses with this message: a 400 ``INVALID_ARGUMENT`` unless said
    otherwise."""

    def __init__(self, message: str, status: int = 400, status_name: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.status_name = status_name


def modality_of(mime_type: Any) -> str | None:
    """The input modality of a part of ``mime_type`` (``"image"``, ..., ``"text"`` for a text
    document), or ``None`` for a type Gemini does not take."""
    if not isinstance(mime_type, str):
        return None
    if mime_type.startswith("text/") or mime_type in TEXT_DOCUMENT_TYPES:
        return "text"
    return next((kind for kind, types in MEDIA_TYPES.items() if mime_type in types), None)


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
        self.signatures_issued: list[str] = []
        self.signatures_received: list[str] = []
        self.bypasses: list[str] = []
        self.files: dict[str, dict[str, Any]] = {}
        self.modalities: dict[str, frozenset[str]] = {m: frozenset() for m in TEXT_ONLY_MODELS}
        """The media modalities each model takes, by id; a model not named takes them all."""
        self.max_request_bytes = MAX_REQUEST_BYTES
        self._signing_key = secrets.token_bytes(32)
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

    def add_file(self, mime_type: str, *, state: str = "ACTIVE") -> dict[str, Any]:
        """A file in this emulator's Files API, as ``files.get`` describes it: chat requests may
        name it in a ``fileData`` part by its ``uri``. ``state`` ``"PROCESSING"`` makes a file
        Gemini is still preparing (a video, just uploaded)."""
        file_id = "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(12))
        entry = {
            "name": f"files/{file_id}",
            "mimeType": mime_type,
            "uri": f"{FILES_URL}/{file_id}",
            "state": state,
            "source": "UPLOADED",
        }
        self.files[file_id] = entry
        return entry

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
        if len(await request.body()) > self.max_request_bytes:
            limit = self.max_request_bytes
            return _error(400, f"Request payload size exceeds the limit: {limit} bytes.")
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
        rules = thinking_rules(model)
        try:
            self._check_media(model_id, body["contents"])
            self._check_signatures(body["contents"])
            if rules is not None and rules.levels:
                _check_current_turn(body["contents"])
            thinks, shows_thoughts = _thinking(rules, thinking_config(body))
        except Rejected as rejected:
            return _error(rejected.status, str(rejected), rejected.status_name)
        signs = thinks and (bool(rules.levels) or _declares_functions(body))
        chunks = self._answer(model_id, body, thinks=thinks, shows=shows_thoughts, signs=signs)
        if method == "generateContent":
            return JSONResponse(_merge(chunks))
        if request.query_params.get("alt") != "sse":
            return JSONResponse(chunks)
        return self.stream(chunks, _sse_event, "text/event-stream")

    def _find(self, model_id: str) -> dict[str, Any] | None:
        return next((m for m in self.models if m["name"] == f"models/{model_id}"), None)

    # --- media ---------------------------------------------------------------------------

    def _check_media(self, model_id: str, contents: list[dict[str, Any]]) -> None:
        """Every ``inlineData`` and ``fileData`` part is one Gemini takes, for this model."""
        takes = self.modalities.get(model_id)
        for position, content in enumerate(contents):
            for index, part in enumerate(content.get("parts") or []):
                if (inline := _field(part, "inlineData")) is not None:
                    data = _field(inline, "data")
                    if _base64(data) is None:
                        where = f"contents[{position}].parts[{index}].inline_data.data"
                        raise Rejected(
                            f"Invalid value at '{where}' (TYPE_BYTES), Base64 decoding failed "
                            f'for "{data}"'
                        )
                    mime_type = _field(inline, "mimeType")
                elif (file := _field(part, "fileData")) is not None:
                    stored = self._file(_field(file, "fileUri"))
                    mime_type = _field(file, "mimeType") or stored["mimeType"]
                    if stored is YOUTUBE_VIDEO and modality_of(mime_type) != "video":
                        raise Rejected(f"Unsupported MIME type: {mime_type}")
                else:
                    continue
                modality = modality_of(mime_type)
                if modality is None:
                    raise Rejected(f"Unsupported MIME type: {mime_type or ''}")
                if modality != "text" and takes is not None and modality not in takes:
                    raise Rejected(
                        f"{modality.title()} input modality is not enabled for models/{model_id}"
                    )

    def _file(self, uri: Any) -> dict[str, Any]:
        """The file a ``fileData`` part names (:data:`YOUTUBE_VIDEO` for a YouTube URL); raises
        ``Rejected`` as Gemini does when it names none of this project's active files."""
        if isinstance(uri, str) and YOUTUBE_URL.fullmatch(uri):
            return YOUTUBE_VIDEO
        match = FILE_URI.fullmatch(uri) if isinstance(uri, str) else None
        if match is None:
            raise Rejected(f"Invalid or unsupported file uri: {uri}")
        file_id = match.group(1)
        file = self.files.get(file_id)
        if file is None:
            raise Rejected(
                f"You do not have permission to access the File {file_id} or it may not exist.",
                status=403,
            )
        if file["state"] != "ACTIVE":
            raise Rejected(
                f"The File {file_id} is not in an ACTIVE state and usage is not allowed.",
                status_name="FAILED_PRECONDITION",
            )
        return file

    # --- thought signatures --------------------------------------------------------------

    def _sign(self, call: dict[str, Any] | None = None) -> str:
        """A new signature for a function call (bound to its name and arguments) or, with
        ``call`` None, for a text part."""
        kind, nonce = (b"F" if call else b"T"), secrets.token_bytes(8)
        mac = hmac.new(self._signing_key, kind + nonce + _canonical(call), hashlib.sha256)
        signature = base64.b64encode(kind + nonce + mac.digest()[:24]).decode()
        self.signatures_issued.append(signature)
        return signature

    def _genuine(self, raw: bytes, call: dict[str, Any] | None) -> bool:
        """Whether ``raw`` is a signature this emulator made for ``call`` (or for text)."""
        kind = b"F" if call else b"T"
        if len(raw) != 33 or raw[:1] != kind:
            return False
        mac = hmac.new(self._signing_key, raw[:9] + _canonical(call), hashlib.sha256)
        return hmac.compare_digest(mac.digest()[:24], raw[9:])

    def _check_signatures(self, contents: list[dict[str, Any]]) -> None:
        """Every signature in the request is base64, a bypass value, or one this emulator made
        for the part that carries it."""
        for position, content in enumerate(contents):
            for index, part in enumerate(content.get("parts") or []):
                value = _field(part, "thoughtSignature")
                if value is None:
                    continue
                raw = _base64(value)
                if raw is None:
                    raise Rejected(
                        f"Invalid value at 'contents[{position}].parts[{index}].thought_signature'"
                        f' (TYPE_BYTES), Base64 decoding failed for "{value}"'
                    )
                if value in BYPASS_SIGNATURES or raw.decode("latin-1") in BYPASS_SIGNATURES:
                    self.bypasses.append(value)
                    continue
                if not self._genuine(raw, _field(part, "functionCall")):
                    raise Rejected("Corrupted thought signature.")
                self.signatures_received.append(base64.b64encode(raw).decode())

    # --- answers -------------------------------------------------------------------

    def _answer(
        self, model_id: str, body: dict[str, Any], *, thinks: bool, shows: bool, signs: bool
    ) -> list[dict[str, Any]]:
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
        thoughts = tokens_of(self.thinking) if thinks else []
        steps = [[{"text": token, "thought": True}] for token in thoughts] if shows else []
        if self.tool_call:  # Gemini sends all function calls of a turn in one response
            calls = self.tool_call if isinstance(self.tool_call, list) else [self.tool_call]
            parts = [
                {"functionCall": {"name": c["name"], "args": c.get("arguments", {})}} for c in calls
            ]
            if signs:
                parts[0]["thoughtSignature"] = self._sign(parts[0]["functionCall"])
            steps.append(parts)
            answer_tokens = len(calls)
        else:
            texts = tokens_of(self.reply) or [""]
            steps += [[{"text": token}] for token in texts]
            if signs:  # "may arrive in a final chunk that contains an empty text part"
                steps.append([{"text": "", "thoughtSignature": self._sign()}])
            answer_tokens = len(texts)
        chunks = []
        for parts in steps:
            candidate: dict[str, Any] = {"content": {"parts": parts, "role": "model"}, "index": 0}
            chunks.append({"candidates": [candidate], **envelope})
        chunks[-1]["candidates"][0]["finishReason"] = "STOP"
        chunks[-1]["usageMetadata"] = _usage(prompt_tokens, answer_tokens, len(thoughts))
        return chunks


def _thinking(rules: ThinkingRules | None, config: dict[str, Any] | None) -> tuple[bool, bool]:
    """Whether the model thinks for this request, and whether it shows its thoughts; raises
    ``Rejected`` with Gemini's message for a setting the model does not take."""
    if rules is None:
        if config is not None:
            raise Rejected("Thinking is not supported for this model.")
        return False, False
    config = config or {}
    budget, level = config.get("thinkingBudget"), config.get("thinkingLevel")
    if budget is not None and level is not None:
        raise Rejected("You can only set only one of thinking budget and thinking level.")
    if level is not None and not rules.levels:
        raise Rejected("Thinking level is not supported for this model.")
    if level is not None and level not in rules.levels:
        raise Rejected(
            f"Thinking level {str(level).upper()} is not supported for this model. Please retry "
            "with other thinking level."
        )
    if budget is not None and rules.budget is not None and budget != -1:
        low, high = rules.budget
        if budget == 0 and not rules.can_disable:
            raise Rejected("Budget 0 is invalid. This model only works in thinking mode.")
        if budget != 0 and not low <= budget <= high:
            raise Rejected(f"The thinking budget ({budget}) is invalid.")
    if rules.levels:
        thinks = True
    elif budget is None:
        thinks = rules.thinks_by_default
    else:
        thinks = budget != 0
    return thinks, thinks and bool(config.get("includeThoughts"))


def _check_current_turn(contents: list[dict[str, Any]]) -> None:
    """Gemini 3's rule: in the current turn (the contents after the last user content with
    text), the first ``functionCall`` part of every model step carries its signature."""
    start = 0
    for position, content in enumerate(contents):
        parts = content.get("parts") or []
        has_text = any(
            _field(p, "text") or _field(p, "inlineData") or _field(p, "fileData") for p in parts
        )
        answers = any(_field(p, "functionResponse") for p in parts)
        if content.get("role") == "user" and has_text and not answers:
            start = position + 1
    for position, content in enumerate(contents[start:], start + 1):
        if content.get("role") != "model":
            continue
        calls = [p for p in content.get("parts") or [] if _field(p, "functionCall")]
        if calls and _field(calls[0], "thoughtSignature") is None:
            name = _field(calls[0], "functionCall").get("name")
            raise Rejected(MISSING_SIGNATURE.format(name=name, position=position))


def _declares_functions(body: dict[str, Any]) -> bool:
    tools = body.get("tools") or []
    return any(_field(tool, "functionDeclarations") for tool in tools if isinstance(tool, dict))


def _field(data: dict[str, Any], name: str) -> Any:
    """A field of a request object under its camelCase name or its snake_case one (Google's
    JSON parser takes both)."""
    if name in data:
        return data[name]
    return data.get(re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name))


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.title() for word in rest)


def _base64(value: Any) -> bytes | None:
    """Bytes from a JSON ``bytes`` field: standard or URL-safe base64, as Google accepts both."""
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        return None


def _canonical(call: dict[str, Any] | None) -> bytes:
    if not call:
        return b""
    return json.dumps([call.get("name"), call.get("args") or {}], sort_keys=True).encode()


def _sse_event(chunk: dict[str, Any]) -> bytes:
    return f"data: {json.dumps(chunk, separators=(',', ':'))}\r\n\r\n".encode()


def _error(status: int, message: str, status_name: str | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, message, status_name=status_name), status)


def _usage(prompt: int, candidates: int, thoughts: int = 0) -> dict[str, Any]:
    """Gemini's usage: thoughts are counted beside the answer's tokens, and in the total."""
    usage = {
        "promptTokenCount": prompt,
        "candidatesTokenCount": candidates,
        "totalTokenCount": prompt + candidates + thoughts,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": prompt}],
    }
    if thoughts:
        usage["thoughtsTokenCount"] = thoughts
    return usage


def _safety_ratings(*, blocked: bool) -> list[dict[str, Any]]:
    ratings = [{"category": c, "probability": "NEGLIGIBLE"} for c in HARM_CATEGORIES]
    if blocked:
        ratings[-1] = {"category": HARM_CATEGORIES[-1], "probability": "HIGH", "blocked": True}
    return ratings


def _merge(chunks: list[dict[str, Any]]) -> dict[str, Any]:
    """Fold streamed chunks into the one response ``generateContent`` answers: consecutive text
    parts of one kind (thought or answer) joined, a signature kept on the part it ends."""
    merged = json.loads(json.dumps(chunks[-1]))
    candidates = merged.get("candidates")
    if candidates and "content" in candidates[0]:
        parts: list[dict[str, Any]] = []
        for part in (p for c in chunks for p in c["candidates"][0]["content"]["parts"]):
            last = parts[-1] if parts else {}
            joins = "text" in part and "text" in last and "thoughtSignature" not in last
            if joins and last.get("thought") == part.get("thought"):
                last.update(part, text=last["text"] + part["text"])
            else:
                parts.append(dict(part))
        candidates[0]["content"]["parts"] = parts
    return merged
