"""The Gemini provider's settings, read from the environment and a ``.env`` file (an empty
variable counts as unset, so ``GEMINI_API_KEY=`` leaves the provider unconfigured)."""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr

from agentkit import HttpURL, ProviderSettings

DEFAULT_MODEL = "gemini-2.5-flash"


class GeminiSettings(ProviderSettings):
    """``GEMINI_API_KEY`` (or ``GOOGLE_API_KEY``), ``GEMINI_MODEL``, ``GEMINI_BASE_URL``."""

    api_key: SecretStr = Field(
        validation_alias=AliasChoices("GEMINI_API_KEY", "GOOGLE_API_KEY"),
        description="API key from Google AI Studio.",
    )
    model: str = Field(
        DEFAULT_MODEL,
        validation_alias="GEMINI_MODEL",
        description="The model used when a request names none.",
    )
    base_url: HttpURL | None = Field(
        None,
        validation_alias="GEMINI_BASE_URL",
        description="Another endpoint for the Gemini API (a proxy, or an emulator in tests).",
    )
