"""The Azure OpenAI provider's settings, read from the environment and a ``.env`` file.

Azure's unit is the *deployment*: a name you choose in the Azure portal for one model on your
resource. Requests name the deployment; ``AZURE_OPENAI_MODEL`` and the ``name=model`` pairs of
``AZURE_OPENAI_DEPLOYMENTS`` only say which model stands behind each one (for display, and to know
which parameters it accepts). Nothing is assumed when they are not set: the model is then unknown
until discovery reports it.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from agentkit import HttpURL, ProviderSettings

DEFAULT_API_VERSION = "2024-10-21"
"""The newest GA version of the classic data-plane API (later versions are previews)."""

REASONING_API_VERSION = "2024-12-01-preview"
"""The first classic API version that serves reasoning models (o-series, gpt-5) and takes
``reasoning_effort``: the default for their deployments."""

AUDIO_API_VERSION = "2025-01-01-preview"
"""The first classic API version with audio input (gpt-4o-audio-preview and the like): the
default for their deployments."""

DEFAULT_MANAGEMENT_ENDPOINT = "https://management.azure.com"
HOST_SUFFIXES = (".openai.azure.com", ".cognitiveservices.azure.com", ".services.ai.azure.com")


class AzureOpenAISettings(ProviderSettings):
    """Every setting of the provider; each field's alias is its environment variable."""

    api_key: SecretStr | None = Field(
        None,
        validation_alias="AZURE_OPENAI_API_KEY",
        description="API key (Keys and Endpoint page of the resource). Optional with Entra ID.",
    )
    endpoint: HttpURL = Field(
        validation_alias="AZURE_OPENAI_ENDPOINT",
        description="The resource's endpoint, https://{resource}.openai.azure.com/",
    )
    api_version: str | None = Field(
        None,
        validation_alias="AZURE_OPENAI_API_VERSION",
        description=(
            f"Data-plane API version of the classic API (default {DEFAULT_API_VERSION}; "
            f"{REASONING_API_VERSION} for reasoning models and {AUDIO_API_VERSION} for audio "
            "models, which need them)."
        ),
    )

    def api_version_for(self, model: str | None) -> str:
        """The classic API version for a deployment of ``model``: the one set, else the default
        for the model (reasoning and audio models need newer ones than the GA default)."""
        from agentkit_azure_openai.families import is_reasoning, takes_audio

        if self.api_version:
            return self.api_version
        if takes_audio(model):
            return AUDIO_API_VERSION
        return REASONING_API_VERSION if is_reasoning(model) else DEFAULT_API_VERSION

    deployment: str | None = Field(
        None,
        validation_alias="AZURE_OPENAI_DEPLOYMENT",
        description="The default deployment (its name in the Azure portal, not the model's).",
    )
    model: str | None = Field(
        None,
        validation_alias="AZURE_OPENAI_MODEL",
        description="The model behind AZURE_OPENAI_DEPLOYMENT (for display and parameters); "
        "unknown when not set, unless discovery reports it.",
    )
    deployments: Annotated[dict[str, str | None], NoDecode] = Field(
        default_factory=dict,
        validation_alias="AZURE_OPENAI_DEPLOYMENTS",
        description="More deployments, comma separated: `name` or `name=model`.",
    )
    auth: Literal["key", "entra"] | None = Field(
        None,
        validation_alias="AZURE_OPENAI_AUTH",
        description="`key` or `entra`; by default `key` when a key is set, else `entra`.",
    )
    api: Literal["classic", "v1", "responses"] = Field(
        "classic",
        validation_alias="AZURE_OPENAI_API",
        description="`classic` (chat completions on the deployments path, with api-version), "
        "`v1` (chat completions on /openai/v1/) or `responses` (the Responses API on "
        "/openai/v1/: reasoning summaries and reasoning carried across turns).",
    )
    subscription_id: str | None = Field(
        None,
        validation_alias="AZURE_SUBSCRIPTION_ID",
        description="For deployment discovery through Azure Resource Manager.",
    )
    resource_group: str | None = Field(
        None,
        validation_alias="AZURE_RESOURCE_GROUP",
        description="For deployment discovery: the resource group of the resource.",
    )
    resource: str | None = Field(
        None,
        validation_alias="AZURE_OPENAI_RESOURCE",
        description="For deployment discovery: the resource's (account's) name.",
    )
    management_endpoint: HttpURL = Field(
        DEFAULT_MANAGEMENT_ENDPOINT,
        validation_alias="AZURE_MANAGEMENT_ENDPOINT",
        description="Azure Resource Manager's address (another cloud, or an emulator in tests).",
    )

    @field_validator("auth", "api", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("deployments", mode="before")
    @classmethod
    def _parse_deployments(cls, value: object) -> object:
        """``"a, b=gpt-4o"`` -> ``{"a": None, "b": "gpt-4o"}``."""
        if not isinstance(value, str):
            return value
        pairs: dict[str, str | None] = {}
        for item in filter(None, (part.strip() for part in value.split(","))):
            name, _, model = (piece.strip() for piece in item.partition("="))
            if not name or ("=" in item and not model):
                raise ValueError(f"{item!r} is not `name` or `name=model`")
            pairs[name] = model or None
        return pairs

    @property
    def auth_mode(self) -> Literal["key", "entra"]:
        """The authentication in effect: the setting, else ``key`` when a key is set."""
        if self.auth is not None:
            return self.auth
        return "key" if self.api_key is not None else "entra"

    @property
    def discovery_configured(self) -> bool:
        """Whether the management-plane settings name one resource."""
        return bool(self.subscription_id and self.resource_group and self.resource)

    @property
    def resource_name(self) -> str:
        """The resource's name, for messages: the setting, else read off the endpoint's host."""
        if self.resource:
            return self.resource
        parts = urlsplit(self.endpoint)
        host = parts.hostname or ""
        for suffix in HOST_SUFFIXES:
            if host.endswith(suffix):
                return host.removesuffix(suffix)
        return parts.netloc

    def configured_deployments(self) -> dict[str, str | None]:
        """Every configured deployment with the model behind it (``None`` when not said):
        ``AZURE_OPENAI_DEPLOYMENT`` first, then ``AZURE_OPENAI_DEPLOYMENTS``. A model named in
        both places is taken from ``AZURE_OPENAI_MODEL``."""
        configured: dict[str, str | None] = {self.deployment: self.model} if self.deployment else {}
        for name, model in self.deployments.items():
            configured[name] = configured.get(name) or model
        return configured
