"""Settings: each environment variable, the .env file, and when the provider is unconfigured."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from agentkit import NotConfigured
from agentkit.registry import Registry
from agentkit_azure_openai.plugin import register_providers
from agentkit_azure_openai.provider import AzureOpenAIProvider
from agentkit_azure_openai.settings import AzureOpenAISettings

ENDPOINT = "https://contoso-ai.openai.azure.com/"


@pytest.fixture
def no_sign_in(monkeypatch, tmp_path):
    """No Entra ID sign-in in sight: no credential variables, no az/azd/pwsh on PATH."""
    for name in ("IDENTITY_ENDPOINT", "MSI_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))


def provider_entry(monkeypatch, **env: str) -> dict:
    """The provider as the host's registry sees it with ``env`` set."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    registry = Registry.load(entry_points=False, extra_plugins=[_Plugin])
    return registry.providers["azure-openai"].to_dict()


class _Plugin:
    register_providers = staticmethod(register_providers)


def test_the_defaults(monkeypatch):
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", ENDPOINT)
    settings = AzureOpenAISettings()
    assert settings.endpoint == "https://contoso-ai.openai.azure.com"
    assert settings.api_version is None
    assert settings.api_version_for("gpt-4o") == "2024-10-21"
    assert settings.api_version_for("o3-mini") == "2024-12-01-preview"
    assert settings.api_version_for(None) == "2024-10-21"
    assert settings.model is None  # no model is assumed behind a deployment
    assert (settings.api, settings.auth, settings.auth_mode) == ("classic", None, "entra")
    assert settings.deployment is None and settings.deployments == {}
    assert settings.management_endpoint == "https://management.azure.com"
    assert settings.resource_name == "contoso-ai"


def test_every_variable(monkeypatch):
    env = {
        "AZURE_OPENAI_API_KEY": "k-123",
        "AZURE_OPENAI_ENDPOINT": "https://contoso.cognitiveservices.azure.com",
        "AZURE_OPENAI_API_VERSION": "2025-04-01-preview",
        "AZURE_OPENAI_DEPLOYMENT": "prod-chat",
        "AZURE_OPENAI_MODEL": "gpt-4o",
        "AZURE_OPENAI_DEPLOYMENTS": " mini = gpt-4o-mini , think=o3-mini,legacy ",
        "AZURE_OPENAI_AUTH": "Entra",
        "AZURE_OPENAI_API": "V1",
        "AZURE_SUBSCRIPTION_ID": "sub-1",
        "AZURE_RESOURCE_GROUP": "rg-1",
        "AZURE_OPENAI_RESOURCE": "contoso-account",
        "AZURE_MANAGEMENT_ENDPOINT": "https://management.usgovcloudapi.net/",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    s = AzureOpenAISettings()
    assert s.api_key.get_secret_value() == "k-123"
    assert s.endpoint == "https://contoso.cognitiveservices.azure.com"
    assert s.api_version == "2025-04-01-preview"
    assert (s.deployment, s.model) == ("prod-chat", "gpt-4o")
    assert s.deployments == {"mini": "gpt-4o-mini", "think": "o3-mini", "legacy": None}
    assert s.configured_deployments() == {
        "prod-chat": "gpt-4o",
        "mini": "gpt-4o-mini",
        "think": "o3-mini",
        "legacy": None,
    }
    assert (s.auth_mode, s.api) == ("entra", "v1")
    assert (s.subscription_id, s.resource_group, s.resource) == ("sub-1", "rg-1", "contoso-account")
    assert s.discovery_configured
    assert s.management_endpoint == "https://management.usgovcloudapi.net"
    assert s.resource_name == "contoso-account"


def test_a_deployment_without_a_model_has_none(monkeypatch):
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", ENDPOINT)
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENT", "prod")
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", "prod=o3-mini,other")
    assert AzureOpenAISettings().configured_deployments() == {"prod": "o3-mini", "other": None}
    monkeypatch.setenv("AZURE_OPENAI_MODEL", "o4-mini")
    assert AzureOpenAISettings().configured_deployments()["prod"] == "o4-mini"


def test_the_responses_api_is_a_choice(monkeypatch):
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", ENDPOINT)
    monkeypatch.setenv("AZURE_OPENAI_API", "Responses")
    assert AzureOpenAISettings().api == "responses"


def test_auth_defaults_to_key_when_a_key_is_set(monkeypatch):
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", ENDPOINT)
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "k")
    assert AzureOpenAISettings().auth_mode == "key"
    monkeypatch.setenv("AZURE_OPENAI_AUTH", "entra")
    assert AzureOpenAISettings().auth_mode == "entra"


def test_settings_from_dotenv_file(tmp_path):
    (tmp_path / ".env").write_text(
        f"AZURE_OPENAI_ENDPOINT={ENDPOINT}\nAZURE_OPENAI_API_KEY=dotenv-key\n"
        "AZURE_OPENAI_DEPLOYMENT=from-dotenv\nAZURE_OPENAI_API=v1\n"
    )
    s = AzureOpenAISettings()
    assert (s.api_key.get_secret_value(), s.deployment, s.api) == (
        "dotenv-key",
        "from-dotenv",
        "v1",
    )


def test_empty_key_counts_as_unset(monkeypatch):
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", ENDPOINT)
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "")
    assert AzureOpenAISettings().api_key is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("AZURE_OPENAI_ENDPOINT", "contoso.openai.azure.com"),
        ("AZURE_OPENAI_AUTH", "password"),
        ("AZURE_OPENAI_API", "v2"),
        ("AZURE_OPENAI_DEPLOYMENTS", "a,=gpt-4o"),
        ("AZURE_OPENAI_DEPLOYMENTS", "a=,b"),
        ("AZURE_MANAGEMENT_ENDPOINT", "management.azure.com"),
    ],
)
def test_invalid_values_are_errors_naming_the_variable(monkeypatch, name, value):
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", ENDPOINT)
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "k")
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        AzureOpenAISettings()
    entry = provider_entry(monkeypatch)
    assert entry["state"] == "error"
    assert name in entry["error"]


def test_no_endpoint_is_unconfigured(monkeypatch):
    entry = provider_entry(monkeypatch, AZURE_OPENAI_API_KEY="k", AZURE_OPENAI_DEPLOYMENT="d")
    assert (entry["state"], entry["error"]) == ("unconfigured", "AZURE_OPENAI_ENDPOINT is not set")


def test_key_auth_without_a_key_is_unconfigured(monkeypatch):
    entry = provider_entry(
        monkeypatch,
        AZURE_OPENAI_ENDPOINT=ENDPOINT,
        AZURE_OPENAI_DEPLOYMENT="d",
        AZURE_OPENAI_AUTH="key",
    )
    assert entry["state"] == "unconfigured"
    assert "AZURE_OPENAI_API_KEY is not set" in entry["error"]


def test_no_key_and_no_entra_sign_in_is_unconfigured(monkeypatch, no_sign_in):
    entry = provider_entry(monkeypatch, AZURE_OPENAI_ENDPOINT=ENDPOINT, AZURE_OPENAI_DEPLOYMENT="d")
    assert entry["state"] == "unconfigured"
    assert "AZURE_OPENAI_API_KEY" in entry["error"] and "AZURE_OPENAI_AUTH" in entry["error"]


@pytest.mark.parametrize(
    "sign_in",
    [{"AZURE_CLIENT_ID": "00000000-aaaa"}, {"AZURE_OPENAI_AUTH": "entra"}],
)
def test_an_entra_sign_in_or_explicit_entra_needs_no_key(monkeypatch, no_sign_in, sign_in):
    entry = provider_entry(
        monkeypatch, AZURE_OPENAI_ENDPOINT=ENDPOINT, AZURE_OPENAI_DEPLOYMENT="d", **sign_in
    )
    assert (entry["state"], entry["error"]) == ("ready", None)


def test_an_az_cli_on_path_counts_as_a_sign_in(monkeypatch, no_sign_in, tmp_path):
    az = tmp_path / "az"
    az.write_text("#!/bin/sh\n")
    az.chmod(0o755)
    entry = provider_entry(monkeypatch, AZURE_OPENAI_ENDPOINT=ENDPOINT, AZURE_OPENAI_DEPLOYMENT="d")
    assert entry["state"] == "ready"


def test_no_deployment_is_unconfigured_unless_discovery_can_find_them(monkeypatch):
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", ENDPOINT)
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "k")
    with pytest.raises(NotConfigured, match="AZURE_OPENAI_DEPLOYMENT is not set"):
        AzureOpenAIProvider(AzureOpenAISettings())
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", "other=gpt-4o")
    assert AzureOpenAIProvider(AzureOpenAISettings()).default_model is None
    monkeypatch.delenv("AZURE_OPENAI_DEPLOYMENTS")
    for name, value in [
        ("AZURE_OPENAI_AUTH", "entra"),
        ("AZURE_SUBSCRIPTION_ID", "s"),
        ("AZURE_RESOURCE_GROUP", "g"),
        ("AZURE_OPENAI_RESOURCE", "r"),
    ]:
        monkeypatch.setenv(name, value)
    assert AzureOpenAIProvider(AzureOpenAISettings()).default_model is None


def test_the_key_is_never_shown(monkeypatch):
    entry = provider_entry(
        monkeypatch,
        AZURE_OPENAI_ENDPOINT=ENDPOINT,
        AZURE_OPENAI_API_KEY="super-secret-key-value",
        AZURE_OPENAI_DEPLOYMENT="d",
    )
    assert entry["state"] == "ready"
    assert entry["config"]["values"]["api_key"] == "set"
    assert "super-secret-key-value" not in repr(entry)
