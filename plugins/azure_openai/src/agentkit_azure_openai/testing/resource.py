"""The emulated resource: its key, Entra tokens and names, the API versions it serves, its
deployments, and what every request handler shares (:class:`AzureResource`).

A data-plane request passes the same checks whatever its API: the ``api-key`` header or an Entra
bearer token (on the v1 paths the key may also come as ``Authorization: Bearer <key>``), the
``api-version`` on the classic paths, and a deployment that exists, is provisioned and chats.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from agentkit.testing.emulator import Emulator
from agentkit_azure_openai.testing.reasoning import thinker
from agentkit_azure_openai.testing.wire import DEFAULT_ERRORS, error_body

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


class AzureResource(Emulator):
    """The base of :class:`~agentkit_azure_openai.testing.AzureOpenAIEmulator`'s API mixins:
    authentication, the API version, the deployment a request names, and what that deployment
    thinks and calls. It reads the state the emulator's ``__init__`` sets (``api_key``,
    ``models``) and the knobs of :class:`~agentkit.testing.emulator.Emulator`."""

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
