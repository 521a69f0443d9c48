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
would answer DeploymentNotFound. A deployment whose model nobody named and discovery did not report
is listed with ``details.note`` saying so: its requests carry only the parameters the user set,
and nothing is known of what it can do. What the others can do, and how much they take, comes
from ``profile``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from agentkit import Model, UpstreamError, http
from agentkit.translation import read_error_body, translate_common
from agentkit_azure_openai import profile
from agentkit_azure_openai.auth import COGNITIVE_SCOPE, MANAGEMENT_SCOPE, EntraTokens
from agentkit_azure_openai.settings import AzureOpenAISettings

DATA_PLANE_LIST_VERSION = "2023-03-15-preview"
MANAGEMENT_API_VERSION = "2024-10-01"
SIZE = "Azure Cloud"
MAX_PAGES = 50
UNKNOWN_MODEL = (
    "the model behind this deployment is unknown, so requests carry only the parameters you "
    "set and what it can do is unknown; name it with AZURE_OPENAI_DEPLOYMENTS={name}=<model>"
)

logger = logging.getLogger("agentkit_azure_openai.listing")


@dataclass
class Deployment:
    """One deployment Azure reported, with the model behind it and, where Azure Resource Manager
    says, the model's token limits."""

    name: str
    model: str | None
    version: str | None = None
    status: str | None = None
    ready: bool = True
    context_window: int | None = None
    max_output_tokens: int | None = None


class DeploymentLister:
    """Lists deployments for one provider instance, remembering between listings whether the
    data-plane list is supported and which model each discovered deployment serves."""

    def __init__(self, settings: AzureOpenAISettings, tokens: EntraTokens | None) -> None:
        self.settings = settings
        self.tokens = tokens
        self.data_plane_supported: bool | None = None
        self.discovered_models: dict[str, str] = {}
        self.notice: str | None = None

    def model_of(self, deployment: str) -> str | None:
        """The model behind ``deployment``: what the last discovery reported (Azure knows best),
        else what the settings say, else ``None``: unknown."""
        discovered = self.discovered_models.get(deployment)
        return discovered or self.settings.configured_deployments().get(deployment)

    async def list_models(self) -> list[Model]:
        self.notice = None
        source, found = await self._discover()
        if found is not None:
            self.discovered_models = {d.name: d.model for d in found if d.model}
        return to_models(self.settings.configured_deployments(), source, found)

    async def _discover(self) -> tuple[str, list[Deployment] | None]:
        if self.settings.discovery_configured and self.tokens is not None:
            token = await self.tokens.token(MANAGEMENT_SCOPE)  # no token: chat fails too, so raise
            try:
                return "management", await self._from_management(token)
            except (httpx.HTTPError, ValueError, UpstreamError) as exc:
                reason = _reason(exc)
                logger.warning("deployment discovery failed: %s", reason)
                self.notice = (
                    f"Listing deployments through Azure Resource Manager failed ({reason}); "
                    "showing the configured deployments only."
                )
                return "configured", None
        if self.data_plane_supported is not False:
            found = await self._from_data_plane()
            self.data_plane_supported = found is not None
            return "data-plane", found
        return "configured", None

    async def _from_management(self, token: str) -> list[Deployment]:
        s = self.settings
        url: str | None = (
            f"{s.management_endpoint}/subscriptions/{s.subscription_id}/resourceGroups/"
            f"{s.resource_group}/providers/Microsoft.CognitiveServices/accounts/{s.resource}"
            "/deployments"
        )
        params: dict[str, str] | None = {"api-version": MANAGEMENT_API_VERSION}
        found: list[Deployment] = []
        async with http.client(self, headers={"Authorization": f"Bearer {token}"}) as client:
            for _ in range(MAX_PAGES):
                page = await http.get_json(client, url, params=params)
                if not isinstance(page, dict):
                    raise UpstreamError("Azure Resource Manager answered with something not JSON.")
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
            headers = {"Authorization": f"Bearer {await self.tokens.token(COGNITIVE_SCOPE)}"}
        else:
            assert self.settings.api_key is not None
            headers = {"api-key": self.settings.api_key.get_secret_value()}
        url = f"{self.settings.endpoint}/openai/deployments"
        async with http.client(self, headers=headers) as client:
            response = await client.get(url, params={"api-version": DATA_PLANE_LIST_VERSION})
        if response.status_code in (400, 404):
            return None
        response.raise_for_status()
        body = response.json()
        if not isinstance(body, dict):
            raise UpstreamError(
                "Azure OpenAI answered the deployment list with something not JSON."
            )
        return [d for d in map(_from_data_plane_entry, body.get("data") or []) if d]


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
    if model is None:
        unknown = UNKNOWN_MODEL.format(name=name)
        note = f"{note}; {unknown}" if note else unknown
    details = {
        "model": model,
        "model_version": deployment.version if deployment else None,
        "status": deployment.status if deployment else None,
        "source": source,
        "configured": configured,
        "note": note,
    }
    entry = Model(
        id=name,
        name=f"{name} ({model})" if model and model != name else name,
        size=SIZE,
        available=ready,
        details={key: value for key, value in details.items() if value is not None},
    )
    if deployment is None:
        return profile.describe(entry, model, None)
    return profile.describe(
        entry, model, deployment.version, deployment.context_window, deployment.max_output_tokens
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
        context_window=_tokens(features.get("maxContextToken")),
        max_output_tokens=_tokens(features.get("maxOutputToken")),
    )


def _tokens(value: Any) -> int | None:
    """A token count ARM reports as a string (``"128000"``); ``None`` when absent or not one."""
    try:
        count = int(str(value))
    except ValueError:
        return None
    return count if count > 0 else None


def _from_data_plane_entry(entry: Any) -> Deployment | None:
    if not isinstance(entry, dict) or not entry.get("id"):
        return None
    status = str(entry.get("status") or "succeeded")
    return Deployment(
        name=str(entry["id"]), model=entry.get("model"), status=status, ready=status == "succeeded"
    )


def _reason(exc: BaseException) -> str:
    """Why the management plane failed, in a line: its status and error message, or the
    transport failure."""
    if isinstance(exc, httpx.HTTPStatusError):
        message = read_error_body(exc.response.text)[0] or exc.response.reason_phrase
        return f"HTTP {exc.response.status_code}: {message}"
    error = translate_common(exc)
    return error.message if error is not None else f"{type(exc).__name__}: {exc}"
