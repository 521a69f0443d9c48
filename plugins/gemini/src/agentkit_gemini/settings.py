"""The Gemini provider's settings, read from the environment and a ``.env`` file."""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from agentkit import ProviderSettings

DEFAULT_MODEL = "gemini-2.5-flash"


class GeminiSettings(ProviderSettings):
    """``GEMINI_API_KEY`` (or Google's ``GOOGLE_API_KEY``), ``GEMINI_MODEL``, ``GEMINI_BASE_URL``.

    An empty variable counts as unset, so ``GEMINI_API_KEY=`` leaves the provider unconfigured
    instead of sending an empty key.
    """

    model_config = SettingsConfigDict(env_ignore_empty=True)

    api_key: SecretStr = Field(
        validation_alias=AliasChoices("GEMINI_API_KEY", "GOOGLE_API_KEY"),
        description="API key from Google AI Studio.",
    )
    model: str = Field(
        DEFAULT_MODEL,
        validation_alias="GEMINI_MODEL",
        description="The model used when a request names none.",
    )
    base_url: str | None = Field(
        None,
        validation_alias="GEMINI_BASE_URL",
        description="Another endpoint for the Gemini API (a proxy, or an emulator in tests).",
    )

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")
