"""The provider's settings, read from the environment and a ``.env`` file."""

from pydantic import Field, SecretStr, field_validator

from agentkit import ProviderSettings


class OpenAICompatibleSettings(ProviderSettings):
    base_url: str = Field(
        validation_alias="OPENAI_COMPATIBLE_BASE_URL",
        description="The server's OpenAI API root, e.g. http://127.0.0.1:8080/v1.",
    )
    api_key: SecretStr | None = Field(
        None,
        validation_alias="OPENAI_COMPATIBLE_API_KEY",
        description="Sent as a bearer token; leave unset for servers without authentication.",
    )
    model: str | None = Field(
        None,
        validation_alias="OPENAI_COMPATIBLE_MODEL",
        description="The default model; the first listed model when unset.",
    )
    timeout: float = Field(
        60.0,
        gt=0,
        validation_alias="OPENAI_COMPATIBLE_TIMEOUT",
        description="Seconds to wait for the server's model list (chats use the host's limits).",
    )

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value
