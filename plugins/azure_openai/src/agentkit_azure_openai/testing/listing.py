"""The deployments lists: the old data plane's, and Azure Resource Manager's.

- ``GET /openai/deployments?api-version=2023-03-15-preview``: the old data-plane deployments list
  (only when ``data_plane_listing`` is true; otherwise 404 as current resources answer).
- Management plane: ``GET /subscriptions/{s}/resourceGroups/{g}/providers/
  Microsoft.CognitiveServices/accounts/{a}/deployments?api-version=...`` with a bearer token for
  the management scope, paginated with ``nextLink``; a deployment's ``properties.capabilities``
  carry ``maxContextToken`` and ``maxOutputToken`` (as strings) where it has ``limits``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from agentkit_azure_openai.testing.resource import LISTING_VERSIONS, MANAGEMENT_TOKEN, AzureResource
from agentkit_azure_openai.testing.wire import error_body


class Listings(AzureResource):
    """The two listing handlers. They read the emulator's ``models``, ``data_plane_listing``,
    ``page_size`` and the resource's names (``subscription``, ``resource_group``, ``account``)."""

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
