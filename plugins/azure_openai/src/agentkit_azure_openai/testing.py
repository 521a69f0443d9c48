"""A loopback emulator of an Azure OpenAI resource and of the Azure Resource Manager calls that
list its deployments, as openai / langchain-openai and the Azure OpenAI plugin call them.

Data plane:
- classic API: ``POST /openai/deployments/{deployment}/chat/completions?api-version=V``; the
  ``api-version`` is required (404 "Resource not found" without it, 400 "API version not
  supported" for an unknown one); authentication by ``api-key`` header or an Entra bearer token.
- v1 API: ``POST /openai/v1/chat/completions`` with the deployment as ``model``; no api-version;
  the key may also come as ``Authorization: Bearer <key>`` (what the OpenAI client sends).
- ``GET /openai/deployments?api-version=2023-03-15-preview``: the old data-plane deployments list
  (only when ``data_plane_listing`` is true; otherwise 404 as current resources answer).
- Streams are Azure's: a first chunk with ``choices: []`` and ``prompt_filter_results``, chunks
  with ``content_filter_results``, a usage chunk when asked, then ``data: [DONE]``.
- Errors as Azure sends them: 401 (key / PermissionDenied), 404 DeploymentNotFound, 400
  content_filter with ``innererror.content_filter_result``, 429 with Retry-After, reasoning models
  rejecting ``temperature`` / ``max_tokens`` and API versions older than 2024-12-01-preview.

Management plane: ``GET /subscriptions/{s}/resourceGroups/{g}/providers/
Microsoft.CognitiveServices/accounts/{a}/deployments?api-version=...`` with a bearer token for
the management scope, paginated with ``nextLink``.

Knobs, settable at any time: ``reply``, ``first_token_delay``, ``token_delay``, ``fail(...)``,
``cut_after``, ``models`` (the deployments, as dicts with ``name``, ``model``, ``version``,
``state``), ``data_plane_listing``, ``page_size``, ``tool_call``, ``block_prompt`` and
``block_answer`` (dicts of filtered category -> severity). Every request is recorded in
``requests``; streams the client abandons are counted in ``disconnects``.
"""

from __future__ import annotations

import json
import re
import time
import uuid
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
REASONING = re.compile(r"^(o1|o3|o4-mini|gpt-5)(?!-chat)")
REASONING_MIN_VERSION = "2024-12-01-preview"
CATEGORIES = ("hate", "self_harm", "sexual", "violence")


def deployment(
    name: str, model: str, version: str = "2024-08-06", state: str = "Succeeded"
) -> dict[str, str]:
    """One deployment: its name, the model behind it, and its provisioning state."""
    return {"name": name, "model": model, "version": version, "state": state}


def default_deployments() -> list[dict[str, str]]:
    return [
        deployment("chat", "gpt-4o"),
        deployment("gpt-4", "gpt-4", "turbo-2024-04-09"),
        deployment("reasoner", "o3-mini", "2025-01-31"),
        deployment("embeddings", "text-embedding-3-small", "1"),
    ]


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


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


class AzureOpenAIEmulator(Emulator):
    """An Azure OpenAI resource (and its ARM deployments list) on loopback. Serve ``.app`` with
    ``agentkit.testing.serve``; point ``AZURE_OPENAI_ENDPOINT`` (and ``AZURE_MANAGEMENT_ENDPOINT``)
    at the URL. ``fail()`` matches chat requests unless told ``on=""`` (any path)."""

    fail_on = "chat/completions"

    def __init__(
        self,
        *,
        api_key: str = DEFAULT_KEY,
        reply: str = "Hello from the Azure OpenAI emulator.",
        models: list[dict[str, str]] | None = None,
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
        self.block_prompt: dict[str, str] | None = None
        self.block_answer: dict[str, str] | None = None
        arm = (
            "/subscriptions/{sub}/resourceGroups/{rg}/providers/"
            "Microsoft.CognitiveServices/accounts/{account}/deployments"
        )
        self.app = Starlette(
            routes=[
                Route("/openai/v1/chat/completions", self._v1_chat, methods=["POST"]),
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

    def error_body(self, status: int) -> Any:
        return DEFAULT_ERRORS.get(status, error_body(str(status), "Emulated error."))

    def chunk_bytes(self, text: str) -> bytes:
        delta = {"index": 0, "delta": {"content": text}, "finish_reason": None}
        return _sse_event(
            {"id": "chatcmpl-x", "object": "chat.completion.chunk", "choices": [delta]}
        )

    def error_event(self, message: str) -> bytes:
        error = {"message": message, "type": "server_error", "param": None, "code": None}
        return _sse_event({"error": error})

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

    def _find(self, name: str) -> dict[str, str] | None:
        return next((d for d in self.models if d["name"] == name), None)

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
        target = self._find(name)
        if target is None or target["state"] != "Succeeded":
            return JSONResponse(DEFAULT_ERRORS[404], 404)
        model = target["model"]
        if model.startswith("text-embedding"):
            return JSONResponse(
                error_body(
                    "OperationNotSupported",
                    "The chatCompletion operation does not work with the specified model, "
                    f"{model}. Please choose different model and try again.",
                ),
                400,
            )
        if REASONING.match(model):
            problem = _reasoning_problem(body, api_version)
            if problem is not None:
                return problem
        if not body.get("messages"):
            return JSONResponse(
                {
                    "error": {
                        "message": "'messages' is a required property",
                        "type": "invalid_request_error",
                        "param": None,
                        "code": None,
                    }
                },
                400,
            )
        if self.block_prompt:
            return JSONResponse(prompt_filtered_body(self.block_prompt), 400)
        chunks = self._answer(target, body)
        if body.get("stream"):
            return self.stream(
                [*chunks, DONE], _sse_event, "text/event-stream", first_token_index=1
            )
        return JSONResponse(_merge(chunks))

    # --- answers -------------------------------------------------------------------

    def _answer(self, target: dict[str, str], body: dict[str, Any]) -> list[dict[str, Any]]:
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
        elif self.tool_call:
            call = {
                "index": 0,
                "id": f"call_{uuid.uuid4().hex[:24]}",
                "type": "function",
                "function": {"name": self.tool_call["name"], "arguments": ""},
            }
            arguments = json.dumps(self.tool_call.get("arguments", {}))
            chunks.append({**envelope, "choices": [choice({"tool_calls": [call]})]})
            chunks.append(
                {
                    **envelope,
                    "choices": [
                        choice({"tool_calls": [{"index": 0, "function": {"arguments": arguments}}]})
                    ],
                }
            )
            chunks.append({**envelope, "choices": [choice({}, "tool_calls")]})
        else:
            for token in tokens_of(self.reply):
                chunks.append({**envelope, "choices": [choice({"content": token})]})
            chunks.append({**envelope, "choices": [choice({}, "stop")]})
        if (body.get("stream_options") or {}).get("include_usage"):
            prompt = max(1, len(json.dumps(body.get("messages"))) // 4)
            completion = len(tokens_of(self.reply))
            usage = {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            }
            chunks.append({**envelope, "choices": [], "usage": usage})
        return chunks

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

    def _arm_entry(self, d: dict[str, str]) -> dict[str, Any]:
        embedding = d["model"].startswith("text-embedding")
        features = {"embeddings": "true"} if embedding else {"chatCompletion": "true"}
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


def _reasoning_problem(body: dict[str, Any], api_version: str | None) -> Response | None:
    """What Azure answers a reasoning deployment given parameters it rejects."""
    if api_version is not None and api_version < REASONING_MIN_VERSION:
        return JSONResponse(
            error_body(
                "BadRequest",
                "Model {modelName} is enabled only for api versions 2024-12-01-preview and later",
            ),
            400,
        )
    if "max_tokens" in body:
        return JSONResponse(
            {
                "error": {
                    "message": "Unsupported parameter: 'max_tokens' is not supported with this "
                    "model. Use 'max_completion_tokens' instead.",
                    "type": "invalid_request_error",
                    "param": "max_tokens",
                    "code": "unsupported_parameter",
                }
            },
            400,
        )
    for name in ("temperature", "top_p"):
        if name in body and body[name] != 1:
            return JSONResponse(
                {
                    "error": {
                        "message": f"Unsupported value: '{name}' does not support "
                        f"{body[name]} with this model. Only the default (1) value is supported.",
                        "type": "invalid_request_error",
                        "param": name,
                        "code": "unsupported_value",
                    }
                },
                400,
            )
    return None


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
"""The end of an OpenAI stream: ``data: [DONE]``."""


def _sse_event(chunk: dict[str, Any] | object) -> bytes:
    if chunk is DONE:
        return b"data: [DONE]\n\n"
    return f"data: {json.dumps(chunk, separators=(',', ':'))}\n\n".encode()
