"""Listing an Azure OpenAI resource's deployments, straight over HTTP with httpx (no SDK import).

Azure's data plane has no deployments list in current API versions, so the list is put together
from up to three sources, and each model says which one it came from (``details.source``):

1. ``configured``: ``AZURE_OPENAI_DEPLOYMENT`` and ``AZURE_OPENAI_DEPLOYMENTS``, always listed.
2. ``management``: with ``AZURE_SUBSCRIPTION_ID``, ``AZURE_RESOURCE_GROUP``,
   ``AZURE_OPENAI_RESOURCE`` and Entra ID, Azure Resource Manager's list of the resource's
   deployments (``GET {management}/subscriptions/.../accounts/{resource}/deployments``).
3. ``data-plane``: otherwise ``GET {endpoint}/openai/deployments?api-version=2023-03-15-preview``,
   which only older resources still answer; tried once, and never again once it is unsupported.

When discovery worked, a configured deployment it did not find is listed as unavailable: Azure
would answer DeploymentNotFound.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from agentkit import AgentKitError, Model, UpstreamError, UpstreamTimeout, UpstreamUnavailable
from agentkit import from_status as status_error
from agentkit_azure_openai.auth import COGNITIVE_SCOPE, MANAGEMENT_SCOPE, EntraTokens
from agentkit_azure_openai.errors import from_azure_error, translate_error
from agentkit_azure_openai.families import capabilities
from agentkit_azure_openai.settings import AzureOpenAISettings

DATA_PLANE_LIST_VERSION = "2023-03-15-preview"
MANAGEMENT_API_VERSION = "2024-10-01"
SIZE = "Azure Cloud"
TIMEOUT = 10.0
MAX_PAGES = 50

logger = logging.getLogger("agentkit_azure_openai.listing")


@dataclass
class Deployment:
    """One deployment Azure reported, with the model behind it."""

    name: str
    model: str | None
    version: str | None = None
    status: str | None = None
    ready: bool = True


class DeploymentLister:
    """Lists deployments for one provider instance, remembering between listings whether the
    data-plane list is supported and which model each discovered deployment serves."""

    def __init__(self, settings: AzureOpenAISettings, tokens: EntraTokens | None) -> None:
        self.settings = settings
        self.tokens = tokens
        self.data_plane_supported: bool | None = None
        self.discovered_models: dict[str, str] = {}
        self.notice: str | None = None

    def model_of(self, deployment: str) -> str:
        """The model behind ``deployment``: configured, else discovered, else the deployment's
        own name (deployments are often named after their model)."""
        configured = self.settings.configured_deployments().get(deployment)
        return configured or self.discovered_models.get(deployment) or deployment

    async def list_models(self) -> list[Model]:
        self.notice = None
        source, found = await self._discover()
        if found is not None:
            self.discovered_models = {d.name: d.model for d in found if d.model}
        return to_models(self.settings.configured_deployments(), source, found)

    async def _discover(self) -> tuple[str, list[Deployment] | None]:
        if self.settings.discovery_configured and self.tokens is not None:
            token = await self._token(MANAGEMENT_SCOPE)  # no token: chat fails too, so raise
            try:
                return "management", await self._from_management(token)
            except AgentKitError as error:
                logger.warning("deployment discovery failed: %s", error.message)
                self.notice = (
                    f"Listing deployments through Azure Resource Manager failed ({error.message}); "
                    "showing the configured deployments only."
                )
                return "configured", None
        if self.data_plane_supported is not False:
            found = await self._from_data_plane()
            self.data_plane_supported = found is not None
            return "data-plane", found
        return "configured", None

    async def _token(self, scope: str) -> str:
        """An Entra ID token, or ``AuthFailed`` saying why none was issued."""
        assert self.tokens is not None
        try:
            return await self.tokens.token(scope)
        except Exception as exc:
            error = translate_error(exc, self.settings)
            if error is None:
                raise
            raise error from exc

    async def _from_management(self, token: str) -> list[Deployment]:
        s = self.settings
        url: str | None = (
            f"{s.management_endpoint}/subscriptions/{s.subscription_id}/resourceGroups/"
            f"{s.resource_group}/providers/Microsoft.CognitiveServices/accounts/{s.resource}"
            "/deployments"
        )
        params: dict[str, str] | None = {"api-version": MANAGEMENT_API_VERSION}
        found: list[Deployment] = []
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(headers=headers, timeout=TIMEOUT) as client:
            for _ in range(MAX_PAGES):
                response = await _get(client, url, params, "Azure Resource Manager")
                if response.status_code != 200:
                    raise _management_error(response, s.resource or "")
                page = _json_object(response, "Azure Resource Manager")
                found += [d for d in map(_from_management_entry, page.get("value") or []) if d]
                url, params = page.get("nextLink"), None
                if not url:
                    return found
                if urlsplit(url).netloc != urlsplit(s.management_endpoint).netloc:
                    raise UpstreamError("Azure Resource Manager sent a nextLink to another host.")
        raise UpstreamError(f"The deployment list did not end after {MAX_PAGES} pages.")

    async def _from_data_plane(self) -> list[Deployment] | None:
        """The data-plane list, or ``None`` when this resource does not offer it."""
        if self.tokens is not None:
            headers = {"Authorization": f"Bearer {await self._token(COGNITIVE_SCOPE)}"}
        else:
            assert self.settings.api_key is not None
            headers = {"api-key": self.settings.api_key.get_secret_value()}
        url = f"{self.settings.endpoint}/openai/deployments"
        params = {"api-version": DATA_PLANE_LIST_VERSION}
        async with httpx.AsyncClient(headers=headers, timeout=TIMEOUT) as client:
            response = await _get(client, url, params, "Azure OpenAI")
        if response.status_code in (400, 404):
            return None
        if response.status_code != 200:
            raise from_azure_error(
                response.status_code,
                _json(response),
                response.headers,
                self.settings,
                api_version=DATA_PLANE_LIST_VERSION,
            )
        entries = _json_object(response, "Azure OpenAI").get("data") or []
        return [d for d in map(_from_data_plane_entry, entries) if d]


def to_models(
    configured: dict[str, str | None], source: str, found: list[Deployment] | None
) -> list[Model]:
    """Configured deployments first, then the other deployments discovery found."""
    by_name = {d.name: d for d in found or []}
    models = []
    for name, model in configured.items():
        deployment = by_name.pop(name, None)
        if found is None:
            models.append(_model(name, model, "configured", configured=True))
        elif deployment is None:
            note = "not among the resource's deployments"
            models.append(_model(name, model, source, configured=True, ready=False, note=note))
        else:
            model = deployment.model or model
            models.append(_model(name, model, source, configured=True, deployment=deployment))
    for name in sorted(by_name):
        deployment = by_name[name]
        models.append(_model(name, deployment.model, source, deployment=deployment))
    return models


def _model(
    name: str,
    model: str | None,
    source: str,
    *,
    configured: bool = False,
    ready: bool = True,
    note: str | None = None,
    deployment: Deployment | None = None,
) -> Model:
    if deployment is not None:
        ready = deployment.ready
    details = {
        "model": model,
        "model_version": deployment.version if deployment else None,
        "status": deployment.status if deployment else None,
        "source": source,
        "configured": configured,
        "note": note,
    }
    return Model(
        id=name,
        name=f"{name} ({model})" if model and model != name else name,
        size=SIZE,
        available=ready,
        capabilities=capabilities(model or name),
        details={key: value for key, value in details.items() if value is not None},
    )


def _from_management_entry(entry: Any) -> Deployment | None:
    """A chat deployment from ARM's JSON, or ``None`` (embeddings, images, malformed)."""
    if not isinstance(entry, dict) or not entry.get("name"):
        return None
    properties = entry.get("properties") or {}
    model = properties.get("model") or {}
    features = properties.get("capabilities") or {}
    if features and str(features.get("chatCompletion", "")).lower() != "true":
        return None
    state = str(properties.get("provisioningState") or "Succeeded")
    return Deployment(
        name=str(entry["name"]),
        model=model.get("name"),
        version=model.get("version"),
        status=state,
        ready=state == "Succeeded",
    )


def _from_data_plane_entry(entry: Any) -> Deployment | None:
    if not isinstance(entry, dict) or not entry.get("id"):
        return None
    status = str(entry.get("status") or "succeeded")
    return Deployment(
        name=str(entry["id"]), model=entry.get("model"), status=status, ready=status == "succeeded"
    )


async def _get(
    client: httpx.AsyncClient, url: str, params: dict[str, str] | None, service: str
) -> httpx.Response:
    try:
        return await client.get(url, params=params)
    except httpx.TimeoutException:
        raise UpstreamTimeout(f"{service} did not list the deployments in time.") from None
    except httpx.TransportError as exc:
        host = urlsplit(url).netloc
        raise UpstreamUnavailable(
            f"{service} is not reachable at {host} ({type(exc).__name__}).",
            hint="Check AZURE_OPENAI_ENDPOINT (or AZURE_MANAGEMENT_ENDPOINT) and the network.",
        ) from None


def _management_error(response: httpx.Response, resource: str) -> AgentKitError:
    body = _json(response)
    error = body.get("error") if isinstance(body, dict) else None
    message = (error or {}).get("message") if isinstance(error, dict) else None
    reason = message or response.reason_phrase
    return status_error(
        response.status_code, f"HTTP {response.status_code} for resource {resource!r}: {reason}"
    )


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _json_object(response: httpx.Response, service: str) -> dict[str, Any]:
    body = _json(response)
    if not isinstance(body, dict):
        raise UpstreamError(f"{service} answered the deployment list with something not JSON.")
    return body
