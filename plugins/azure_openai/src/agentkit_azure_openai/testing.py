"""A loopback emulator of an Azure OpenAI resource and of the Azure Resource Manager calls that
list its deployments, as openai / langchain-openai and the Azure OpenAI plugin call them.

Data plane:
- classic API: ``POST /openai/deployments/{deployment}/chat/completions?api-version=V``; the
  ``api-version`` is required (404 "Resource not found" without it, 400 "API version not
  supported" for an unknown one); authentication by ``api-key`` header or an Entra bearer token.
- v1 API: ``POST /openai/v1/chat/completions`` with the deployment as ``model``; no api-version;
  the key may also come as ``Authorization: Bearer <key>`` (what the OpenAI client sends).
- Responses API: ``POST /openai/v1/responses`` with the deployment as ``model``, authenticated as
  the v1 API; its SSE events (``event: <type>`` and ``data: {"type": <type>, "sequence_number":
  n, ...}``, no ``[DONE]``): ``response.created``, ``response.in_progress``, the output items
  (``response.output_item.added`` / ``.done``) of a reasoning item (summary parts with
  ``response.reasoning_summary_text.delta``, ``encrypted_content`` when ``include`` asks for
  it), a message (``response.output_text.delta``) or function calls
  (``response.function_call_arguments.delta``), then ``response.completed`` with usage, or
  ``response.incomplete`` (``max_output_tokens``, ``content_filter``).
- ``GET /openai/deployments?api-version=2023-03-15-preview``: the old data-plane deployments list
  (only when ``data_plane_listing`` is true; otherwise 404 as current resources answer).
- Chat completions streams are Azure's: a first chunk with ``choices: []`` and
  ``prompt_filter_results``, chunks with ``content_filter_results``, a usage chunk when asked
  (``prompt_tokens_details.cached_tokens``, ``completion_tokens_details.reasoning_tokens``), then
  ``data: [DONE]``.

The rules it holds the client to, with the service's own errors:
- 401 for a wrong key or token, 404 DeploymentNotFound, 400 content_filter with
  ``innererror.content_filter_result`` for a blocked prompt, 429 with Retry-After.
- Reasoning deployments (o1, o3, o4-mini, codex-mini, gpt-5, not gpt-5-chat): on chat
  completions they need API version 2024-12-01-preview or later, reject ``max_tokens`` (use
  ``max_completion_tokens``) and a ``temperature`` or ``top_p`` other than 1; on the Responses API
  they reject ``temperature`` and ``top_p``. ``reasoning_effort`` / ``reasoning.effort`` must be
  one the family takes (o-series low to high, o1-mini none at all, gpt-5 minimal to high,
  gpt-5.1 and later none to high, gpt-5-pro high); other models reject it.
- Media, as each API takes it: chat completions take ``image_url`` parts (an http(s) URL the
  service downloads, or a base64 data URL of a PNG, JPEG, GIF or WebP image) and ``input_audio``
  parts (base64 wav or mp3, the bytes being what ``format`` says) in user messages only, and
  refuse ``file`` parts whatever the model ("Invalid Value: 'file'. This model does not support
  file content types."). The Responses API takes ``input_image`` and ``input_file`` (a PDF as a
  base64 data URL with its ``filename``, or the id of an uploaded file), and no ``input_audio``.
  A model without vision given an image gets "Invalid content type. image_url is only supported
  by certain models."; only vision models take PDFs; only the audio models (gpt-4o-audio-preview
  and the like, from API version 2025-01-01-preview on) take audio, and they need audio in the
  input or the output modalities.
- The Responses API rejects parameters it does not have (``seed``, ``stop``, ``max_tokens``,
  ``max_completion_tokens``...). A reasoning item sent back as input must carry the
  ``encrypted_content`` this emulator issued (HMAC-signed, so a changed one fails as "could not be
  verified"), unless an earlier request with ``store`` left on kept it; it must be followed by
  the function call or message it led to; a function call and its output need each other.

Management plane: ``GET /subscriptions/{s}/resourceGroups/{g}/providers/
Microsoft.CognitiveServices/accounts/{a}/deployments?api-version=...`` with a bearer token for
the management scope, paginated with ``nextLink``; a deployment's ``properties.capabilities``
carry ``maxContextToken`` and ``maxOutputToken`` (as strings) where it has ``limits``.

Knobs, settable at any time: ``reply``, ``thinking`` (what reasoning deployments think: its words
count as reasoning tokens, and the Responses API streams it as the reasoning summary where the
family makes summaries), ``cached_tokens`` (prompt tokens reported as read from Azure's cache),
``first_token_delay``, ``token_delay``, ``fail(...)`` (chat completions requests unless told
``on="responses"``, or ``on=""`` for any path), ``cut_after``, ``models`` (the deployments, as
:func:`deployment` makes them: ``name``, ``model``, ``version``, ``state``, ``limits``),
``data_plane_listing``, ``page_size``, ``tool_call`` (a dict or a list of them),
``unreachable_urls`` (image URLs the service fails to download), ``files`` (ids of uploaded
files), ``block_prompt`` and ``block_answer`` (dicts of filtered category -> severity),
``stream_failure`` (a Responses event, see :func:`response_failed` and :func:`stream_error`, sent
after the first answer delta instead of the rest). Every request is recorded in ``requests``;
streams the client abandons are counted in ``disconnects``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from agentkit.testing.emulator import Emulator, tokens_of

DEFAULT_KEY = "test-azure-key"
DATA_TOKEN = "entra-token-for-cognitive-services"
MANAGEMENT_TOKEN = "entra-token-for-resource-manager"
SCOPE_TOKENS = {
    "https://cognitiveservices.azure.com/.default": DATA_TOKEN,
    "https://management.azure.com/.default": MANAGEMENT_TOKEN,
}
"""The token the emulator accepts for each Entra scope (a fake credential hands these out)."""

SUBSCRIPTION = "00000000-0000-0000-0000-000000000001"
RESOURCE_GROUP = "rg-agentkit"
ACCOUNT = "agentkit-emulated"

API_VERSIONS = (
    "2022-12-01",
    "2023-03-15-preview",
    "2023-05-15",
    "2024-02-01",
    "2024-06-01",
    "2024-10-21",
    "2024-12-01-preview",
    "2025-01-01-preview",
    "2025-04-01-preview",
)
LISTING_VERSIONS = ("2022-12-01", "2023-03-15-preview")
REASONING_MIN_VERSION = "2024-12-01-preview"
CATEGORIES = ("hate", "self_harm", "sexual", "violence")
ENCRYPTED_REASONING = "reasoning.encrypted_content"

RESPONSES_PARAMETERS = frozenset(
    {
        "background",
        "conversation",
        "include",
        "input",
        "instructions",
        "max_output_tokens",
        "max_tool_calls",
        "metadata",
        "model",
        "parallel_tool_calls",
        "previous_response_id",
        "prompt",
        "prompt_cache_key",
        "reasoning",
        "safety_identifier",
        "service_tier",
        "store",
        "stream",
        "stream_options",
        "temperature",
        "text",
        "tool_choice",
        "tools",
        "top_logprobs",
        "top_p",
        "truncation",
        "user",
    }
)
"""The body parameters of ``POST /responses`` (the API reference; openai's
``ResponseCreateParams``). Anything else is "Unknown parameter"."""


@dataclass(frozen=True)
class Thinker:
    """A reasoning family as the service treats it: the efforts it takes (none at all for
    o1-mini), the one it uses when asked for none, and whether it summarises its reasoning."""

    efforts: tuple[str, ...]
    default: str | None
    summaries: bool


O_SERIES = ("low", "medium", "high")
THINKERS: tuple[tuple[re.Pattern[str], Thinker], ...] = (
    (re.compile(r"^(o1-mini|o1-preview)([-.]|$)"), Thinker((), None, summaries=False)),
    (re.compile(r"^(o1|o3-mini|o3-pro)([-.]|$)"), Thinker(O_SERIES, "medium", summaries=False)),
    (re.compile(r"^(o3|o4-mini|codex-mini)([-.]|$)"), Thinker(O_SERIES, "medium", summaries=True)),
    (re.compile(r"^gpt-5-pro([-.]|$)"), Thinker(("high",), "high", summaries=True)),
    (re.compile(r"^gpt-5\.\d"), Thinker(("none", "low", "medium", "high"), "none", summaries=True)),
    (
        re.compile(r"^gpt-5(?!-chat)([-.]|$)"),
        Thinker(("minimal", "low", "medium", "high"), "medium", summaries=True),
    ),
)
"""Azure's reasoning models (how-to/reasoning.md of MicrosoftDocs/azure-ai-docs: efforts, summary
support) and gpt-5.1's efforts and default (the Azure SDK's ReasoningEffort reference)."""


def thinker(model: str) -> Thinker | None:
    """The reasoning family of ``model``, or ``None`` for a model that does not reason."""
    return next((found for pattern, found in THINKERS if pattern.match(model)), None)


def deployment(
    name: str,
    model: str,
    version: str = "2024-08-06",
    state: str = "Succeeded",
    limits: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """One deployment: its name, the model behind it, its provisioning state, and the token
    limits Azure Resource Manager reports for it (``(maxContextToken, maxOutputToken)``; Azure
    reports them for some models only)."""
    return {"name": name, "model": model, "version": version, "state": state, "limits": limits}


def default_deployments() -> list[dict[str, Any]]:
    return [
        deployment("chat", "gpt-4o"),
        deployment("gpt-4", "gpt-4", "turbo-2024-04-09", limits=(128000, 4096)),
        deployment("reasoner", "o3-mini", "2025-01-31"),
        deployment("thinker", "gpt-5-mini", "2025-08-07"),
        deployment("embeddings", "text-embedding-3-small", "1"),
    ]


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def invalid_request(
    message: str, param: str | None = None, code: str | None = None, status: int = 400
) -> JSONResponse:
    """An error in OpenAI's envelope, as the models' own checks answer."""
    error = {"message": message, "type": "invalid_request_error", "param": param, "code": code}
    return JSONResponse({"error": error}, status)


DEFAULT_ERRORS: dict[int, dict[str, Any]] = {
    400: error_body("BadRequest", "Emulated bad request."),
    401: error_body(
        "401",
        "Access denied due to invalid subscription key or wrong API endpoint. Make sure to "
        "provide a valid key for an active subscription and use a correct regional API "
        "endpoint for your resource.",
    ),
    403: error_body("PermissionDenied", "Principal does not have access to API/Operation."),
    404: error_body(
        "DeploymentNotFound",
        "The API deployment for this resource does not exist. If you created the deployment "
        "within the last 5 minutes, please wait a moment and try again.",
    ),
    429: error_body(
        "429",
        "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version "
        "2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. "
        "Please retry after 1 second.",
    ),
    500: error_body("InternalServerError", "The server had an error processing your request."),
    503: error_body(
        "ServiceUnavailable", "The service is temporarily unable to process your request."
    ),
}


def content_filter_results(blocked: dict[str, str] | None = None) -> dict[str, Any]:
    """Azure's per-category verdicts; ``blocked`` maps filtered categories to severities."""
    blocked = blocked or {}
    results: dict[str, Any] = {
        c: {"filtered": c in blocked, "severity": blocked.get(c, "safe")} for c in CATEGORIES
    }
    if "jailbreak" in blocked:
        results["jailbreak"] = {"filtered": True, "detected": True}
    return results


def prompt_filtered_body(blocked: dict[str, str]) -> dict[str, Any]:
    """The HTTP 400 Azure answers when its content filter blocks the prompt."""
    return error_body(
        "content_filter",
        "The response was filtered due to the prompt triggering Azure OpenAI's content "
        "management policy. Please modify your prompt and retry. To learn more about our "
        "content filtering policies please read our documentation: "
        "https://go.microsoft.com/fwlink/?linkid=2198766",
        param="prompt",
        type=None,
        status=400,
        innererror={
            "code": "ResponsibleAIPolicyViolation",
            "content_filter_result": content_filter_results(blocked),
        },
    )


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


class AzureOpenAIEmulator(Emulator):
    """An Azure OpenAI resource (and its ARM deployments list) on loopback. Serve ``.app`` with
    ``agentkit.testing.serve``; point ``AZURE_OPENAI_ENDPOINT`` (and ``AZURE_MANAGEMENT_ENDPOINT``)
    at the URL. ``fail()`` matches chat completions requests unless told ``on="responses"`` or
    ``on=""`` (any path)."""

    fail_on = "chat/completions"

    def __init__(
        self,
        *,
        api_key: str = DEFAULT_KEY,
        reply: str = "Hello from the Azure OpenAI emulator.",
        models: list[dict[str, Any]] | None = None,
        data_plane_listing: bool = False,
        subscription: str = SUBSCRIPTION,
        resource_group: str = RESOURCE_GROUP,
        account: str = ACCOUNT,
    ) -> None:
        super().__init__(reply)
        self.api_key = api_key
        self.models = default_deployments() if models is None else models
        self.data_plane_listing = data_plane_listing
        self.subscription = subscription
        self.resource_group = resource_group
        self.account = account
        self.page_size = 100
        self.cached_tokens = 0
        self.block_prompt: dict[str, str] | None = None
        self.block_answer: dict[str, str] | None = None
        self.stream_failure: dict[str, Any] | None = None
        self.unreachable_urls: set[str] = set()
        """Image URLs the service cannot download (any other http(s) URL it downloads)."""
        self.files: set[str] = set()
        """Ids of files uploaded to the resource, which ``input_file`` may name."""
        self.stored_items: set[str] = set()
        """Ids of the output items of responses created with ``store`` left on."""
        self._secret = os.urandom(32)
        arm = (
            "/subscriptions/{sub}/resourceGroups/{rg}/providers/"
            "Microsoft.CognitiveServices/accounts/{account}/deployments"
        )
        self.app = Starlette(
            routes=[
                Route("/openai/v1/chat/completions", self._v1_chat, methods=["POST"]),
                Route("/openai/v1/responses", self._responses, methods=["POST"]),
                Route(
                    "/openai/deployments/{deployment}/chat/completions",
                    self._classic_chat,
                    methods=["POST"],
                ),
                Route("/openai/deployments", self._data_plane_list, methods=["GET"]),
                Route(arm, self._management_list, methods=["GET"]),
            ]
        )

    def chat_requests(self) -> list[dict[str, Any]]:
        """The recorded chat completion requests."""
        return [r for r in self.requests if r["path"].endswith("/chat/completions")]

    def responses_requests(self) -> list[dict[str, Any]]:
        """The recorded Responses API requests."""
        return [r for r in self.requests if r["path"] == "/openai/v1/responses"]

    def error_body(self, status: int) -> Any:
        return DEFAULT_ERRORS.get(status, error_body(str(status), "Emulated error."))

    def chunk_bytes(self, text: str) -> bytes:
        delta = {"index": 0, "delta": {"content": text}, "finish_reason": None}
        return _sse_chunk(
            {"id": "chatcmpl-x", "object": "chat.completion.chunk", "choices": [delta]}
        )

    def error_event(self, message: str) -> bytes:
        error = {"message": message, "type": "server_error", "param": None, "code": None}
        return _sse_chunk({"error": error})

    # --- request handling -------------------------------------------------------------

    def _data_plane_auth(self, request: Request, *, bearer_key: bool) -> Response | None:
        """Azure's 401 unless the request carries the key or a data-plane Entra token."""
        key = request.headers.get("api-key")
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if key is not None:
            return None if key == self.api_key else JSONResponse(DEFAULT_ERRORS[401], 401)
        if scheme.lower() == "bearer" and token:
            if token == DATA_TOKEN or (bearer_key and token == self.api_key):
                return None
            return JSONResponse(DEFAULT_ERRORS[403], 401)
        return JSONResponse(DEFAULT_ERRORS[401], 401)

    def _api_version_problem(self, request: Request, allowed: tuple[str, ...]) -> Response | None:
        version = request.query_params.get("api-version")
        if version is None:
            return JSONResponse(error_body("404", "Resource not found"), 404)
        if version not in allowed:
            return JSONResponse(error_body("BadRequest", "API version not supported"), 400)
        return None

    def _find(self, name: str) -> dict[str, Any] | None:
        return next((d for d in self.models if d["name"] == name), None)

    def _deployment(self, name: str, operation: str) -> dict[str, Any] | Response:
        """The deployment called ``name``, or what Azure answers instead: 404 for one that does
        not exist (or is not provisioned), 400 for one whose model does not chat."""
        target = self._find(name)
        if target is None or target["state"] != "Succeeded":
            return JSONResponse(DEFAULT_ERRORS[404], 404)
        if target["model"].startswith("text-embedding"):
            return JSONResponse(
                error_body(
                    "OperationNotSupported",
                    f"The {operation} operation does not work with the specified model, "
                    f"{target['model']}. Please choose different model and try again.",
                ),
                400,
            )
        return target

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

    def _input_problem(self, body: dict[str, Any]) -> Response | None:
        """What the service answers input items it cannot take: reasoning items it cannot find
        or verify, or not followed by their output; a function call output without its call, a
        function call without its output."""
        items = body.get("input")
        if isinstance(items, str) and items:
            return None
        if not isinstance(items, list) or not items:
            return invalid_request(
                "Missing required parameter: 'input'.", "input", "missing_required_parameter"
            )
        calls, answered = [], set()
        for index, item in enumerate(items):
            kind = item.get("type", "message") if isinstance(item, dict) else None
            if kind == "function_call":
                calls.append(item.get("call_id"))
            elif kind == "function_call_output" and item.get("call_id") not in calls:
                return invalid_request(
                    "No tool call found for function call output with call_id "
                    f"{item.get('call_id')}.",
                    "input",
                )
            elif kind == "function_call_output":
                answered.add(item.get("call_id"))
            elif kind == "reasoning":
                following = items[index + 1] if index + 1 < len(items) else None
                problem = self._reasoning_item_problem(item, following)
                if problem is not None:
                    return problem
        unanswered = next((call for call in calls if call not in answered), None)
        if unanswered is not None:
            return invalid_request(f"No tool output found for function call {unanswered}.", "input")
        return None

    def _reasoning_item_problem(self, item: dict[str, Any], following: Any) -> Response | None:
        item_id = item.get("id")
        encrypted = item.get("encrypted_content")
        if encrypted is None and item_id not in self.stored_items:
            return invalid_request(
                f"Item with id '{item_id}' not found. Items are not persisted when `store` is "
                "set to false. Try again with `store` set to true, or remove this item from your "
                "input.",
                "input",
                status=404,
            )
        if encrypted is not None and not self._verified(encrypted):
            shown = f"{encrypted[:4]}...{encrypted[-4:]}" if isinstance(encrypted, str) else "?"
            return invalid_request(
                f"The encrypted content {shown} could not be verified.",
                code="invalid_encrypted_content",
            )
        if not _is_output(following):
            return invalid_request(
                f"Item '{item_id}' of type 'reasoning' was provided without its required "
                "following item.",
                "input",
            )
        return None

    # --- media ---------------------------------------------------------------------

    def _chat_media_problem(
        self, target: dict[str, Any], body: dict[str, Any], api_version: str | None
    ) -> Response | None:
        """What chat completions answer content parts the deployment's model or the API cannot
        take: only user messages carry media (``image_url``, ``input_audio``); ``file`` parts
        are refused whatever the model; an audio model needs audio in or out."""
        model = target["model"]
        heard = False
        if hears(model) and api_version is not None and api_version < AUDIO_MIN_VERSION:
            return JSONResponse(
                error_body(
                    "BadRequest",
                    "Model {modelName} is enabled only for api versions "
                    f"{AUDIO_MIN_VERSION} and later",
                ),
                400,
            )
        for i, message in enumerate(body["messages"]):
            parts = message.get("content") if isinstance(message, dict) else None
            if not isinstance(parts, list):
                continue
            allowed = CHAT_PARTS.get(message.get("role"), ("text",))
            for j, part in enumerate(parts):
                where = f"messages[{i}].content[{j}]"
                kind = part.get("type") if isinstance(part, dict) else None
                if kind not in allowed:
                    return invalid_request(
                        f"Invalid value: '{kind}'. Supported values are: {_listed(allowed)}.",
                        f"{where}.type",
                        "invalid_value",
                    )
                heard = heard or kind == "input_audio"
                problem = self._chat_part_problem(target, part, i, j)
                if problem is not None:
                    return problem
        if hears(model) and not heard and "audio" not in (body.get("modalities") or []):
            return invalid_request(
                "This model requires that either input content or output modality contain audio.",
                "model",
                "invalid_value",
            )
        return None

    def _chat_part_problem(
        self, target: dict[str, Any], part: dict[str, Any], i: int, j: int
    ) -> Response | None:
        where = f"messages[{i}].content[{j}]"
        if part["type"] == "image_url":
            url = (part.get("image_url") or {}).get("url")
            param = f"{where}.image_url.url"
            return _unseen(target, i, j) or self._image_url_problem(
                url, param, f"Invalid image URL: '{param}'."
            )
        if part["type"] == "input_audio":
            return _audio_problem(target["model"], part, i, j)
        if part["type"] == "file":
            return invalid_request(
                "Invalid Value: 'file'. This model does not support file content types.",
                f"{where}.type",
                "invalid_value",
            )
        return None

    def _responses_media_problem(
        self, target: dict[str, Any], body: dict[str, Any]
    ) -> Response | None:
        """What the Responses API answers content parts it or the model cannot take, in messages
        and in function call outputs: no ``input_audio``; ``input_image`` and ``input_file``
        (PDF, with its filename) only for models with vision."""
        items = body.get("input")
        for i, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                continue
            kind = item.get("type", "message")
            field = {"message": "content", "function_call_output": "output"}.get(kind)
            parts = item.get(field) if field else None
            for j, part in enumerate(parts if isinstance(parts, list) else []):
                where = f"input[{i}].{field}[{j}]"
                part_type = part.get("type") if isinstance(part, dict) else None
                problem = None
                if part_type not in RESPONSES_PARTS:
                    problem = invalid_request(
                        f"Invalid value: '{part_type}'. Supported values are: "
                        f"{_listed(RESPONSES_PARTS)}.",
                        f"{where}.type",
                        "invalid_value",
                    )
                elif part_type == "input_image":
                    problem = _unseen(target, i, j, "input") or self._responses_image_problem(
                        part, where
                    )
                elif part_type == "input_file":
                    problem = _unseen_file(target, where) or self._file_problem(part, where)
                if problem is not None:
                    return problem
        return None

    def _responses_image_problem(self, part: dict[str, Any], where: str) -> Response | None:
        url = part.get("image_url")
        if not isinstance(url, str):
            return _missing(f"{where}.image_url")
        return self._image_url_problem(url, f"{where}.image_url", f"Invalid '{where}.image_url'.")

    def _image_url_problem(self, url: Any, param: str, invalid: str) -> Response | None:
        """What the service answers an image URL: one it downloads (http or https, unless it is
        among ``unreachable_urls``), or a base64 data URL of a PNG, JPEG, GIF or WebP image."""
        if isinstance(url, str) and url.startswith(("https://", "http://")):
            if url in self.unreachable_urls:
                return invalid_request(f"Error while downloading {url}.", "url", "invalid_value")
            return None
        data, wrong = _data_url(url, IMAGE_TYPES)
        if wrong is not None:
            return invalid_request(
                f"{invalid} Expected a base64-encoded data URL with an image MIME type (e.g. "
                f"'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU='), but got {wrong}",
                param,
                "invalid_value",
            )
        if not any(data.startswith(magic) for magic in IMAGE_MAGIC) and not _webp(data):
            return invalid_request(
                "You uploaded an unsupported image. Please make sure your image has of one the "
                "following formats: ['png', 'jpeg', 'gif', 'webp'].",
                code="invalid_image_format",
            )
        return None

    def _file_problem(self, part: dict[str, Any], where: str) -> Response | None:
        """What the Responses API answers an ``input_file``: an uploaded file's id (one of
        ``files``), or a PDF as a base64 data URL with its ``filename``."""
        if "file_id" in part:
            if part["file_id"] in self.files:
                return None
            return invalid_request(
                f"No such File object: {part['file_id']}", f"{where}.file_id", status=404
            )
        if "file_data" not in part:
            return _missing(f"{where}.file_data")
        if not part.get("filename"):
            return _missing(f"{where}.filename")
        data, wrong = _data_url(part["file_data"], ("application/pdf",))
        if wrong is not None:
            return invalid_request(
                f"Invalid file data: '{where}.file_data'. Expected a base64-encoded data URL "
                "with an application/pdf MIME type (e.g. "
                f"'data:application/pdf;base64,SGVsbG8sIFdvcmxkIQ=='), but got {wrong}",
                f"{where}.file_data",
                "invalid_value",
            )
        if not data.startswith(b"%PDF-"):
            return invalid_request(
                "The file type you uploaded is not supported.", f"{where}.file_data"
            )
        return None

    # --- encrypted reasoning ---------------------------------------------------------

    def _encrypted(self, item_id: str, thought: str) -> str:
        """Reasoning content only this emulator can vouch for: the thought, signed with a secret
        of this instance (Fernet tokens, which the service's resemble, begin with ``gAAAAA``)."""
        payload = json.dumps({"id": item_id, "thought": thought}).encode()
        signature = hmac.new(self._secret, payload, hashlib.sha256).digest()
        return "gAAAAA" + base64.urlsafe_b64encode(payload + signature).decode()

    def _verified(self, encrypted: Any) -> bool:
        """Whether ``encrypted`` came from :meth:`_encrypted`, unchanged."""
        if not isinstance(encrypted, str) or not encrypted.startswith("gAAAAA"):
            return False
        try:
            raw = base64.urlsafe_b64decode(encrypted[6:])
        except ValueError:
            return False
        payload, signature = raw[:-32], raw[-32:]
        expected = hmac.new(self._secret, payload, hashlib.sha256).digest()
        return len(raw) > 32 and hmac.compare_digest(signature, expected)

    # --- answers -------------------------------------------------------------------

    def _thought(self, model: str, effort: str | None) -> str | None:
        """What a deployment of ``model`` thinks for a request with ``effort``; ``None`` when it
        does not reason at all (not a reasoning model, or told ``none``)."""
        family = thinker(model)
        if family is None or (effort or family.default) == "none":
            return None
        return self.thinking

    def _tool_calls(self) -> list[dict[str, Any]]:
        """The ``tool_call`` knob as a list of ``{"name", "arguments"}``."""
        if not self.tool_call:
            return []
        return self.tool_call if isinstance(self.tool_call, list) else [self.tool_call]

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

    # --- listings ------------------------------------------------------------------

    async def _data_plane_list(self, request: Request) -> Response:
        await self.record(request)
        problem = self.scripted_failure(request) or self._data_plane_auth(request, bearer_key=False)
        if problem is not None:
            return problem
        allowed = LISTING_VERSIONS if self.data_plane_listing else ()
        version = request.query_params.get("api-version")
        if version not in allowed:
            return JSONResponse(error_body("404", "Resource not found"), 404)
        data = [
            {
                "id": d["name"],
                "model": d["model"],
                "owner": "organization-owner",
                "status": "succeeded" if d["state"] == "Succeeded" else d["state"].lower(),
                "scale_settings": {"scale_type": "standard"},
                "created_at": 1700000000,
                "updated_at": 1700000000,
                "object": "deployment",
            }
            for d in self.models
        ]
        return JSONResponse({"data": data, "object": "list"})

    async def _management_list(self, request: Request) -> Response:
        await self.record(request)
        if (problem := self.scripted_failure(request)) is not None:
            return problem
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return JSONResponse(
                error_body(
                    "AuthenticationFailed",
                    "Authentication failed. The 'Authorization' header is missing.",
                ),
                401,
            )
        if token != MANAGEMENT_TOKEN:
            return JSONResponse(
                error_body("InvalidAuthenticationToken", "The access token is invalid."), 401
            )
        if not request.query_params.get("api-version"):
            return JSONResponse(
                error_body(
                    "MissingApiVersionParameter",
                    "The api-version query parameter (?api-version=) is required for all requests.",
                ),
                400,
            )
        params = request.path_params
        if params["sub"] != self.subscription:
            return JSONResponse(
                error_body(
                    "SubscriptionNotFound",
                    f"The subscription '{params['sub']}' could not be found.",
                ),
                404,
            )
        if (params["rg"], params["account"]) != (self.resource_group, self.account):
            return JSONResponse(
                error_body(
                    "ResourceNotFound",
                    f"The Resource 'Microsoft.CognitiveServices/accounts/{params['account']}' "
                    f"under resource group '{params['rg']}' was not found. For more details "
                    "please go to https://aka.ms/ARMResourceNotFoundFix",
                ),
                404,
            )
        start = int(request.query_params.get("$skipToken") or 0)
        page = self.models[start : start + self.page_size]
        base = str(request.url.remove_query_params("$skipToken"))
        body: dict[str, Any] = {"value": [self._arm_entry(d) for d in page]}
        if start + self.page_size < len(self.models):
            body["nextLink"] = f"{base}&$skipToken={start + self.page_size}"
        return JSONResponse(body)

    def _arm_entry(self, d: dict[str, Any]) -> dict[str, Any]:
        embedding = d["model"].startswith("text-embedding")
        features = {"embeddings": "true"} if embedding else {"chatCompletion": "true"}
        if d.get("limits"):
            context, output = d["limits"]
            features |= {"maxContextToken": str(context), "maxOutputToken": str(output)}
        return {
            "id": (
                f"/subscriptions/{self.subscription}/resourceGroups/{self.resource_group}/"
                f"providers/Microsoft.CognitiveServices/accounts/{self.account}/"
                f"deployments/{d['name']}"
            ),
            "type": "Microsoft.CognitiveServices/accounts/deployments",
            "name": d["name"],
            "sku": {"name": "Standard", "capacity": 10},
            "properties": {
                "model": {"format": "OpenAI", "name": d["model"], "version": d["version"]},
                "capabilities": features,
                "provisioningState": d["state"],
                "versionUpgradeOption": "OnceNewDefaultVersionAvailable",
            },
        }


# --- the models' parameter rules ------------------------------------------------------------


def _chat_parameter_problem(
    model: str, body: dict[str, Any], api_version: str | None
) -> Response | None:
    """What Azure's chat completions answer a deployment of ``model`` given parameters it
    rejects."""
    family = thinker(model)
    effort = body.get("reasoning_effort")
    if family is None:
        if "reasoning_effort" in body:  # Azure's own wording for an argument it does not know
            return invalid_request("Unrecognized request argument supplied: reasoning_effort")
        return None
    if api_version is not None and api_version < REASONING_MIN_VERSION:
        return JSONResponse(
            error_body(
                "BadRequest",
                "Model {modelName} is enabled only for api versions 2024-12-01-preview and later",
            ),
            400,
        )
    if "max_tokens" in body:
        return invalid_request(
            "Unsupported parameter: 'max_tokens' is not supported with this model. Use "
            "'max_completion_tokens' instead.",
            "max_tokens",
            "unsupported_parameter",
        )
    for name in ("temperature", "top_p"):
        if name in body and body[name] != 1:
            return invalid_request(
                f"Unsupported value: '{name}' does not support {body[name]} with this model. "
                "Only the default (1) value is supported.",
                name,
                "unsupported_value",
            )
    if "reasoning_effort" in body and not family.efforts:
        return invalid_request(
            "Unknown parameter: 'reasoning_effort'.", "reasoning_effort", "unknown_parameter"
        )
    if effort is not None and effort not in family.efforts:
        return invalid_request(
            f"Invalid value: '{effort}'. Supported values are: {_listed(family.efforts)}.",
            "reasoning_effort",
            "invalid_value",
        )
    return None


def _unknown_parameter(body: dict[str, Any]) -> Response | None:
    """The Responses API's answer to a parameter it does not have."""
    if "max_completion_tokens" in body:
        return invalid_request(
            "Unsupported parameter: 'max_completion_tokens'. In the Responses API, this "
            "parameter has moved to 'max_output_tokens'. Try again with the new parameter.",
            "max_completion_tokens",
            "unsupported_parameter",
        )
    unknown = next((key for key in body if key not in RESPONSES_PARAMETERS), None)
    if unknown is not None:
        return invalid_request(f"Unknown parameter: '{unknown}'.", unknown, "unknown_parameter")
    return None


def _responses_parameter_problem(model: str, body: dict[str, Any]) -> Response | None:
    """What the Responses API answers a deployment of ``model`` given parameters it rejects."""
    family = thinker(model)
    reasoning = body.get("reasoning") or {}
    if family is None:
        return _unsupported(f"reasoning.{next(iter(reasoning))}") if reasoning else None
    if "effort" in reasoning and not family.efforts:
        return _unsupported("reasoning.effort")
    for name in ("temperature", "top_p"):
        if body.get(name) is not None:
            return _unsupported(name)
    effort = reasoning.get("effort")
    if effort is not None and effort not in family.efforts:
        return invalid_request(
            f"Unsupported value: '{effort}' is not supported with the '{model}' model. "
            f"Supported values are: {_listed(family.efforts)}.",
            "reasoning.effort",
            "unsupported_value",
        )
    return None


def _unsupported(name: str) -> Response:
    return invalid_request(
        f"Unsupported parameter: '{name}' is not supported with this model.",
        name,
        "unsupported_parameter",
    )


# --- what the models take ---------------------------------------------------------------------

VISION = re.compile(
    r"^(gpt-4o(?!-(mini-)?(audio|realtime))|gpt-4\.1|gpt-4\.5|gpt-5|o1(?!-mini|-preview)"
    r"|o3(?!-mini)|o4-mini)([-.]|$)"
)
"""Azure's vision-enabled models: "the o-series reasoning models, GPT-5 series, GPT-4.1 series,
GPT-4.5, GPT-4o series" (how-to/gpt-with-vision.md), less those without (o1-mini, o3-mini, the
audio models), and gpt-4 version turbo-2024-04-09 (see :func:`sees`)."""

AUDIO = re.compile(r"^(gpt-4o-audio-preview|gpt-4o-mini-audio-preview|gpt-audio)([-.]|$)")
"""The models that take ``input_audio`` (includes/audio-completions-intro.md)."""

AUDIO_MIN_VERSION = "2025-01-01-preview"
""""Support for audio completions was first added in API version 2025-01-01-preview"."""

CHAT_PARTS: dict[str, tuple[str, ...]] = {
    "user": ("text", "image_url", "input_audio", "file"),
    "assistant": ("text", "refusal"),
}
"""The content parts each chat completions role takes (any other role: text only)."""

RESPONSES_PARTS = (
    "input_text",
    "input_image",
    "output_text",
    "refusal",
    "input_file",
    "computer_screenshot",
    "summary_text",
)
"""The content part types of Responses input items, as the service lists them when refusing
another ("Invalid value: 'input_audio'. Supported values are: ...")."""

IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")


def sees(target: dict[str, Any]) -> bool:
    """Whether the deployment's model takes images (and PDFs, on the Responses API)."""
    model, version = target["model"], target.get("version")
    return bool(VISION.match(model)) or (model == "gpt-4" and version == "turbo-2024-04-09")


def hears(model: str) -> bool:
    """Whether ``model`` takes audio input."""
    return bool(AUDIO.match(model))


def _unseen(target: dict[str, Any], i: int, j: int, field: str = "messages") -> Response | None:
    """A model without vision given an image: OpenAI's answer, with its dotted ``param``."""
    if sees(target):
        return None
    return invalid_request(
        "Invalid content type. image_url is only supported by certain models.",
        f"{field}.[{i}].content.[{j}].type",
    )


def _unseen_file(target: dict[str, Any], where: str) -> Response | None:
    """A model without vision given a PDF ("Only models that support both text and image inputs
    ... can accept PDF files as input")."""
    if sees(target):
        return None
    return invalid_request(
        "Invalid Value: 'file'. This model does not support file content types.",
        f"{where}.type",
        "invalid_value",
    )


def _audio_problem(model: str, part: dict[str, Any], i: int, j: int) -> Response | None:
    """What chat completions answer an ``input_audio`` part: only audio models take it, as base64
    wav or mp3 whose bytes are what ``format`` says."""
    if not hears(model):
        return invalid_request(
            "Invalid content type. input_audio is only supported by certain models.",
            f"messages.[{i}].content.[{j}].type",
        )
    where = f"messages[{i}].content[{j}].input_audio"
    audio = part.get("input_audio") if isinstance(part.get("input_audio"), dict) else {}
    audio_format = audio.get("format")
    if audio_format not in ("wav", "mp3"):
        return invalid_request(
            f"Invalid value: '{audio_format}'. Supported values are: 'wav' and 'mp3'.",
            f"{where}.format",
            "invalid_value",
        )
    try:
        data = base64.b64decode(str(audio.get("data") or ""), validate=True)
    except ValueError:
        data = b""
    if not data:
        return invalid_request(
            f"Invalid '{where}.data'. Expected base64-encoded audio data.",
            f"{where}.data",
            "invalid_value",
        )
    if _audio_format(data) != audio_format:
        return invalid_request(
            "This model does not support the format you provided.", "messages", "unsupported_format"
        )
    return None


def _audio_format(data: bytes) -> str | None:
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "mp3"
    return None


def _webp(data: bytes) -> bool:
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"


def _data_url(url: Any, types: tuple[str, ...]) -> tuple[bytes, None] | tuple[None, str]:
    """The bytes of a base64 data URL of one of the MIME ``types``, or what is wrong with it as
    the service words it (the end of its "... but got " sentence)."""
    if not isinstance(url, str) or not url.startswith("data:"):
        return None, "a value without the 'data:' prefix."
    header, comma, payload = url[len("data:") :].partition(",")
    mime, _, encoding = header.partition(";")
    if not comma or encoding != "base64":
        return None, "a value without the ';base64' separator."
    if mime.lower() not in types:
        return None, f"unsupported MIME type '{mime}'."
    try:
        data = base64.b64decode(payload, validate=True)
    except ValueError:
        return None, "an invalid base64-encoded value."
    if not data:
        return None, "empty base64-encoded bytes."
    return data, None


def _missing(param: str) -> Response:
    return invalid_request(
        f"Missing required parameter: '{param}'.", param, "missing_required_parameter"
    )


# --- Responses API shapes ----------------------------------------------------------------------


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


def _is_output(item: Any) -> bool:
    """Whether an input item is what a model produced: a function call or an assistant
    message (what must follow the reasoning that led to it)."""
    if not isinstance(item, dict):
        return False
    kind = item.get("type", "message")
    return kind == "function_call" or (kind == "message" and item.get("role") == "assistant")


def _numbered(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events with their ``sequence_number``s, in order."""
    return [{**event, "sequence_number": number} for number, event in enumerate(events)]


def _arguments(call: dict[str, Any]) -> str:
    return json.dumps(call.get("arguments", {}))


def _listed(values: tuple[str, ...]) -> str:
    """``'low', 'medium', and 'high'``, as the service lists supported values."""
    quoted = [f"'{value}'" for value in values]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + ", and " + quoted[-1]


# --- chat completions shapes ---------------------------------------------------------------------


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
