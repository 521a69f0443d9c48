"""What only Azure OpenAI says: a deployment that does not exist, an API version it does not take, a
404 from a wrong endpoint, the content filter's categories, and Entra ID sign-in failures. The
rest (401 and 403, 429 with retry-after-ms, context length, 5xx, 504, an error event inside a
stream, transport errors) is the host's generic mapping, worded with the hints
``AzureOpenAIProvider`` declares (for a key, or for Entra ID).

Azure answers errors as ``{"error": {"code", "message", ...}}``; the openai SDK raises them as
``openai.APIStatusError`` subclasses (``.status_code``, ``.body`` the inner ``error`` object,
``.response``), and an ``{"error": ...}`` event inside a 200 stream as ``openai.APIError``. The
Responses API's own failure events (``response.failed``, ``error``) arrive as
:class:`ResponseFailed` (see ``clients.AzureResponsesChat``). A blocked answer is not an error on
the wire: a chat completions stream ends with ``finish_reason: "content_filter"``, a Responses
stream with ``response.incomplete`` for the reason ``content_filter``, and :func:`check_chunk`
says so (naming the categories where Azure sends them).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from agentkit import AgentKitError, AuthFailed, ContentFiltered, InvalidRequest, ModelNotFound
from agentkit.translation import ErrorAnswer, error_answer, from_response, read_error_body

if TYPE_CHECKING:
    from agentkit_azure_openai.provider import AzureOpenAIProvider

AUTH_MESSAGE = (
    "Azure rejected the credentials (check AZURE_OPENAI_API_KEY or the Entra role "
    "'Cognitive Services OpenAI User')"
)
KEY_HINT = "Copy a key from the resource's 'Keys and Endpoint' page in the Azure portal."
ENTRA_HINT = (
    "Assign your identity the 'Cognitive Services OpenAI User' role on the resource "
    "(it can take a few minutes to apply), or sign in again with `az login`."
)
VERSION_HINT = (
    "Set AZURE_OPENAI_API_VERSION to a supported version (the default is 2024-10-21; reasoning "
    "models need 2024-12-01-preview or later), or use AZURE_OPENAI_API=v1 or responses."
)
DEPLOYMENT_PATH = re.compile(r"/openai/deployments/([^/]+)/")
PARAMETER_CODES = frozenset({"unsupported_parameter", "unsupported_value", "unknown_parameter"})
"""The codes of a 400 for a parameter the model does not take (the OpenAI error envelope)."""


class ResponseFailed(Exception):
    """A Responses API stream that failed (``response.failed``) or reported an ``error`` event,
    with the event's code and message."""

    def __init__(self, code: str | None, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def translate_error(exc: BaseException, provider: AzureOpenAIProvider) -> AgentKitError | None:
    """Azure's own errors; ``None`` for the host's generic mapping. The SDKs are looked up in
    ``sys.modules``: translating an unrelated error imports nothing."""
    azure_errors = sys.modules.get("azure.core.exceptions")
    if azure_errors is not None and isinstance(exc, azure_errors.ClientAuthenticationError):
        return credential_error(exc)
    openai = sys.modules.get("openai")
    in_stream = openai is not None and type(exc) is openai.APIError
    if in_stream:  # an {"error": ...} event inside a 200 stream: no status, the SDK's own class
        return from_response(None, exc.body, None, provider)
    if isinstance(exc, ResponseFailed):
        return from_response(None, {"code": exc.code, "message": exc.message}, None, provider)
    answer = error_answer(exc)
    return from_azure_error(answer, provider) if answer is not None else None


def from_azure_error(answer: ErrorAnswer, provider: AzureOpenAIProvider) -> AgentKitError | None:
    """What only Azure's data plane says in an error answer; ``None`` for the generic mapping."""
    message, code = read_error_body(answer.body)
    settings = provider.settings
    deployment = _deployment_of(answer.request)
    if code == "DeploymentNotFound":
        return ModelNotFound(
            f"The deployment {deployment or '(unknown)'!r} does not exist on the Azure OpenAI "
            f"resource {settings.resource_name!r}.",
            hint="Use a deployment name from the resource's Deployments page (not the model's "
            "name), set in AZURE_OPENAI_DEPLOYMENT or AZURE_OPENAI_DEPLOYMENTS. A new "
            "deployment can take a few minutes to appear.",
            status_code=answer.status,
        )
    if answer.status in (400, 404) and "api version" in message.lower().replace("-", " "):
        api_version = parse_qs(urlsplit(answer.url).query).get("api-version", ["?"])[0]
        return InvalidRequest(
            f"Azure does not accept API version {api_version!r} (AZURE_OPENAI_API_VERSION) "
            f"for this request: {message}",
            hint=VERSION_HINT,
            status_code=answer.status,
        )
    if answer.status == 404:
        return InvalidRequest(
            f"Azure answered 404 {message!r} at {settings.endpoint}.",
            hint="Check AZURE_OPENAI_ENDPOINT (https://{resource}.openai.azure.com/) and "
            "AZURE_OPENAI_API_VERSION.",
            status_code=answer.status,
        )
    model_unknown = deployment is not None and provider.lister.model_of(deployment) is None
    if answer.status == 400 and model_unknown and _rejects_a_parameter(message, code):
        return InvalidRequest(
            f"The deployment {deployment!r} rejected a parameter: {message}",
            hint="AgentKit does not know which model this deployment serves, so it sent the "
            "parameters as for a chat model. Name the model with "
            f"AZURE_OPENAI_DEPLOYMENTS={deployment}=<model> (o3-mini, gpt-5-mini...), or "
            "configure deployment discovery.",
            status_code=answer.status,
        )
    if code == "content_filter":
        error = answer.body.get("error", answer.body) if isinstance(answer.body, dict) else {}
        inner = error.get("innererror") if isinstance(error.get("innererror"), dict) else {}
        categories = filtered_categories(inner.get("content_filter_result"))
        return ContentFiltered(
            f"Azure's content filter blocked the prompt ({categories or 'no category given'}).",
            hint="Rephrase the message, or review the content filter of the deployment.",
            status_code=answer.status,
        )
    return None


def _rejects_a_parameter(message: str, code: str) -> bool:
    """Whether an error answer says a parameter is not for this model: OpenAI's codes, or
    Azure's "Unrecognized request argument supplied"."""
    return code in PARAMETER_CODES or message.startswith("Unrecognized request argument")


def credential_error(exc: BaseException) -> AuthFailed:
    """No Entra ID token could be had (no sign-in found, or the sign-in was refused)."""
    first_line = (str(getattr(exc, "message", None) or exc).strip().splitlines() or [""])[0]
    return AuthFailed(
        AUTH_MESSAGE,
        hint=f"No Entra ID token was issued: {first_line} Sign in with `az login` (or use a "
        "managed identity), or set AZURE_OPENAI_API_KEY.",
    )


def check_chunk(metadata: Mapping[str, Any]) -> None:
    """Raise ``ContentFiltered`` naming the categories (when Azure sent them) when a streamed
    chunk says Azure's filter stopped the answer."""
    if metadata.get("finish_reason") != "content_filter":
        return
    categories = filtered_categories(metadata.get("content_filter_results"))
    raise ContentFiltered(
        f"Azure's content filter blocked the answer ({categories or 'no category given'}).",
        hint="Rephrase the request, or review the content filter of the deployment.",
    )


def filtered_categories(results: Any) -> str:
    """``"violence: medium, jailbreak"`` from Azure's ``content_filter_result(s)`` object."""
    if not isinstance(results, dict):
        return ""
    named = []
    for category, verdict in results.items():
        if isinstance(verdict, dict) and verdict.get("filtered"):
            severity = verdict.get("severity")
            named.append(f"{category}: {severity}" if severity else category)
    return ", ".join(named)


def _deployment_of(request: Any) -> str | None:
    """The deployment a request addressed: in the path (classic API) or as ``model`` (v1)."""
    match = DEPLOYMENT_PATH.search(urlsplit(str(getattr(request, "url", ""))).path)
    if match:
        return unquote(match.group(1))
    try:
        body = json.loads(request.content or b"null")
    except (AttributeError, ValueError, RuntimeError):
        return None
    return body.get("model") if isinstance(body, dict) else None
