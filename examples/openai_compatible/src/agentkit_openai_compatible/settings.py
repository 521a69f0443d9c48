"""The provider's settings, read from the environment and a ``.env`` file (an empty variable
counts as unset)."""

from pydantic import Field, SecretStr

from agentkit import HttpURL, ProviderSettings


class OpenAICompatibleSettings(ProviderSettings):
    base_url: HttpURL = Field(
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
