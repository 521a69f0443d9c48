"""Fixtures for the Azure OpenAI plugin's tests: the emulator on loopback, a fake Entra ID
credential (a real one would probe the cloud's metadata address), the provider pointed at the
emulator, and a real AgentKit host that discovers the plugin through its entry point."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError

from agentkit.testing import serve
from agentkit.testing.plugin import agentkit_env, agentkit_host  # noqa: F401
from agentkit_azure_openai import auth
from agentkit_azure_openai.provider import AzureOpenAIProvider
from agentkit_azure_openai.settings import AzureOpenAISettings
from agentkit_azure_openai.testing import (
    ACCOUNT,
    DEFAULT_KEY,
    RESOURCE_GROUP,
    SCOPE_TOKENS,
    SUBSCRIPTION,
    AzureOpenAIEmulator,
)


@pytest.fixture(autouse=True)
def _clean(agentkit_env) -> None:  # noqa: F811
    """Every test in an empty folder, without settings from the outer environment."""


class FakeCredential:
    """A TokenCredential handing out the emulator's tokens, valid for ``lifetime`` seconds.

    ``tokens`` overrides the token per scope; ``refuse`` makes every request fail the way
    azure-identity fails when no sign-in is found."""

    def __init__(self, lifetime: float = 3600, refuse: str | None = None) -> None:
        self.lifetime = lifetime
        self.refuse = refuse
        self.tokens = dict(SCOPE_TOKENS)
        self.calls: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str, **kwargs) -> AccessToken:
        self.calls.append(scopes)
        if self.refuse:
            raise ClientAuthenticationError(self.refuse)
        return AccessToken(self.tokens[scopes[0]], int(time.time() + self.lifetime))


@pytest.fixture
def credential(monkeypatch) -> FakeCredential:
    """The credential Entra ID mode uses in these tests."""
    fake = FakeCredential()
    monkeypatch.setattr(auth, "default_credential", lambda: fake)
    return fake


@pytest.fixture
def emulator() -> AzureOpenAIEmulator:
    return AzureOpenAIEmulator()


@pytest.fixture
def emulator_url(emulator: AzureOpenAIEmulator) -> Iterator[str]:
    with serve(emulator.app) as url:
        yield url


@pytest.fixture
def azure_env(monkeypatch, emulator_url: str) -> str:
    """Key authentication against the emulator, deployment ``chat`` (gpt-4o); returns the key."""
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", emulator_url + "/")
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", DEFAULT_KEY)
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENT", "chat")
    monkeypatch.setenv("AZURE_OPENAI_MODEL", "gpt-4o")
    return DEFAULT_KEY


@pytest.fixture
def entra_env(monkeypatch, emulator_url: str, credential: FakeCredential) -> FakeCredential:
    """Entra ID authentication against the emulator (no key), deployment ``chat``."""
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", emulator_url)
    monkeypatch.setenv("AZURE_OPENAI_AUTH", "entra")
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENT", "chat")
    monkeypatch.setenv("AZURE_OPENAI_MODEL", "gpt-4o")
    return credential


@pytest.fixture
def management_env(monkeypatch, entra_env: FakeCredential, emulator_url: str) -> FakeCredential:
    """Entra ID plus the settings for discovery through Azure Resource Manager (the emulator)."""
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUBSCRIPTION)
    monkeypatch.setenv("AZURE_RESOURCE_GROUP", RESOURCE_GROUP)
    monkeypatch.setenv("AZURE_OPENAI_RESOURCE", ACCOUNT)
    monkeypatch.setenv("AZURE_MANAGEMENT_ENDPOINT", emulator_url)
    return entra_env


@pytest.fixture
def make_provider() -> Callable[..., AzureOpenAIProvider]:
    """``make_provider(**settings)``: the provider from the environment, with overrides."""

    def make(**overrides) -> AzureOpenAIProvider:
        return AzureOpenAIProvider(AzureOpenAISettings(**overrides))

    return make


@pytest.fixture
def host(agentkit_host) -> Callable[..., str]:  # noqa: F811
    """``host(**env)``: a real AgentKit host with only this plugin, on loopback."""
    return lambda **env: agentkit_host("azure-openai", **env)
