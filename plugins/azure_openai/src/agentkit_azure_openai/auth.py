"""Entra ID (Azure AD) tokens for the data plane and the management plane.

``azure-identity`` is imported only when the first token is needed. Its
``DefaultAzureCredential`` tries, in order, environment credentials, workload identity, managed
identity, the Azure CLI, Azure PowerShell and the Azure Developer CLI; constructing it makes no
network call. Tokens are cached by azure-core and refreshed shortly before they expire.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable
from typing import Any

COGNITIVE_SCOPE = "https://cognitiveservices.azure.com/.default"
MANAGEMENT_SCOPE = "https://management.azure.com/.default"

SIGN_IN_VARIABLES = (
    "AZURE_CLIENT_ID",
    "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_USERNAME",
    "IDENTITY_ENDPOINT",
    "MSI_ENDPOINT",
)
SIGN_IN_TOOLS = ("az", "azd", "pwsh")


def default_credential() -> Any:
    """The credential tokens come from. Tests replace this function with a fake credential."""
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential()


def sign_in_found() -> bool:
    """A cheap, offline sign that an Entra ID sign-in may exist: a credential variable of
    azure-identity, or a sign-in tool on PATH. A managed identity without variables cannot be
    seen offline; ``AZURE_OPENAI_AUTH=entra`` skips this check."""
    return any(os.environ.get(name) for name in SIGN_IN_VARIABLES) or any(
        shutil.which(tool) for tool in SIGN_IN_TOOLS
    )


class EntraTokens:
    """Bearer tokens per scope from one credential, created on first use and kept for the
    process so that azure-core's token cache is reused across requests."""

    def __init__(self) -> None:
        self._credential: Any = None
        self._providers: dict[str, Callable[[], str]] = {}

    def provider(self, scope: str) -> Callable[[], str]:
        """A callable returning a fresh-enough token for ``scope`` (it may block to fetch one)."""
        if scope not in self._providers:
            from azure.identity import get_bearer_token_provider

            if self._credential is None:
                self._credential = default_credential()
            self._providers[scope] = get_bearer_token_provider(self._credential, scope)
        return self._providers[scope]

    def async_provider(self, scope: str) -> Callable[[], Any]:
        """Like :meth:`provider`, but fetches tokens in a worker thread, off the event loop."""
        provider = self.provider(scope)

        async def token() -> str:
            return await asyncio.to_thread(provider)

        return token

    async def token(self, scope: str) -> str:
        return await self.async_provider(scope)()
