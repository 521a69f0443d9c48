"""The host's own settings, read from the environment and ``.env`` (providers have their own)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

CommaList = Annotated[list[str], NoDecode]


class HostConfig(BaseSettings):
    """Every setting of the host. Each field's ``validation_alias`` is its environment variable."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    host: str = Field("127.0.0.1", validation_alias="AGENTKIT_HOST")
    port: int = Field(8000, ge=0, le=65535, validation_alias="AGENTKIT_PORT")
    api_key: SecretStr | None = Field(None, validation_alias="AGENTKIT_API_KEY")
    cors_origins: CommaList = Field(default_factory=list, validation_alias="AGENTKIT_CORS_ORIGINS")
    allowed_hosts: CommaList = Field(
        default_factory=list, validation_alias="AGENTKIT_ALLOWED_HOSTS"
    )

    plugins: CommaList = Field(default_factory=list, validation_alias="AGENTKIT_PLUGINS")
    disable_plugins: CommaList = Field(
        default_factory=list, validation_alias="AGENTKIT_DISABLE_PLUGINS"
    )

    default_provider: str = Field(
        "ollama", validation_alias=AliasChoices("DEFAULT_PROVIDER", "AGENTKIT_DEFAULT_PROVIDER")
    )
    default_model: str | None = Field(
        None, validation_alias=AliasChoices("DEFAULT_MODEL", "AGENTKIT_DEFAULT_MODEL")
    )
    system_prompt: str = Field("", validation_alias="AGENTKIT_SYSTEM_PROMPT")

    list_timeout: float = Field(5.0, gt=0, validation_alias="AGENTKIT_LIST_TIMEOUT")
    list_cache_ttl: float = Field(60.0, ge=0, validation_alias="AGENTKIT_LIST_CACHE_TTL")

    retry_attempts: int = Field(3, ge=1, validation_alias="AGENTKIT_RETRY_ATTEMPTS")
    retry_deadline: float = Field(5.0, ge=0, validation_alias="AGENTKIT_RETRY_DEADLINE")
    retry_backoff: float = Field(0.5, ge=0, validation_alias="AGENTKIT_RETRY_BACKOFF")

    first_token_timeout: float = Field(300.0, gt=0, validation_alias="AGENTKIT_FIRST_TOKEN_TIMEOUT")
    idle_timeout: float = Field(60.0, gt=0, validation_alias="AGENTKIT_IDLE_TIMEOUT")
    run_timeout: float = Field(1800.0, gt=0, validation_alias="AGENTKIT_RUN_TIMEOUT")
    keepalive: float = Field(15.0, ge=0, validation_alias="AGENTKIT_KEEPALIVE")

    max_body_bytes: int = Field(32_000_000, gt=0, validation_alias="AGENTKIT_MAX_BODY_BYTES")
    max_part_bytes: int = Field(20_000_000, gt=0, validation_alias="AGENTKIT_MAX_PART_BYTES")
    fetch_schemes: CommaList = Field(
        default_factory=lambda: ["https"], validation_alias="AGENTKIT_FETCH_SCHEMES"
    )
    fetch_timeout: float = Field(10.0, gt=0, validation_alias="AGENTKIT_FETCH_TIMEOUT")
    fetch_private_urls: bool = Field(False, validation_alias="AGENTKIT_FETCH_PRIVATE_URLS")
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", validation_alias="AGENTKIT_LOG_LEVEL"
    )
    log_format: Literal["text", "json"] = Field("text", validation_alias="AGENTKIT_LOG_FORMAT")

    @field_validator(
        "cors_origins",
        "allowed_hosts",
        "plugins",
        "disable_plugins",
        "fetch_schemes",
        mode="before",
    )
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value
