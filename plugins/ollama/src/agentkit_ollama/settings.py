"""The Ollama provider's settings, read from the environment and a ``.env`` file.

``OLLAMA_HOST`` is the variable Ollama's own CLI reads; it is often a bind address such as
``0.0.0.0:11434`` or a bare ``127.0.0.1``, so both it and ``OLLAMA_BASE_URL`` are normalised into
a URL a client can connect to.
"""

from __future__ import annotations

import json
import re
from typing import Annotated
from urllib.parse import urlsplit, urlunsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from agentkit import ProviderSettings

DEFAULT_BASE_URL = "http://localhost:11434"
DEFAULT_PORT = 11434
DEFAULT_MODEL = "qwen:7b"

# Addresses a server listens on ("every interface") that a client cannot sensibly dial.
WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "[::]": "[::1]"}

# Ollama takes keep_alive as seconds (a number) or a Go duration string ("5m", "1h30m", "-1s").
GO_DURATION = re.compile(r"-?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+")


class OllamaSettings(ProviderSettings):
    """``OLLAMA_BASE_URL`` (or ``OLLAMA_HOST``), ``OLLAMA_MODEL``, ``OLLAMA_KEEP_ALIVE``,
    ``OLLAMA_NUM_CTX``, ``OLLAMA_HEADERS`` and ``OLLAMA_API_KEY``. Every setting has a default:
    a local Ollama needs no configuration. An empty variable counts as unset."""

    base_url: str = Field(
        DEFAULT_BASE_URL,
        validation_alias=AliasChoices("OLLAMA_BASE_URL", "OLLAMA_HOST"),
        description="Where Ollama listens: a URL, or host[:port] as in OLLAMA_HOST.",
    )
    model: str = Field(
        DEFAULT_MODEL,
        validation_alias="OLLAMA_MODEL",
        description="The model used when a request names none.",
    )
    keep_alive: int | str | None = Field(
        None,
        validation_alias="OLLAMA_KEEP_ALIVE",
        description="How long Ollama keeps the model loaded after a chat (e.g. 10m, 1h, -1); "
        "unset leaves it to the server.",
    )
    num_ctx: int | None = Field(
        None,
        ge=1,
        validation_alias="OLLAMA_NUM_CTX",
        description="The context window every chat asks Ollama for, in tokens (Ollama's "
        "num_ctx); unset leaves it to the model's Modelfile or the server's default, which may "
        "be far smaller than the model's own window.",
    )
    headers: Annotated[dict[str, SecretStr], NoDecode] = Field(
        default_factory=dict,
        validation_alias="OLLAMA_HEADERS",
        description="Extra HTTP headers for an authenticating proxy, as a JSON object: "
        '{"Authorization": "Bearer ..."}.',
    )
    api_key: SecretStr | None = Field(
        None,
        validation_alias="OLLAMA_API_KEY",
        description="Sent as Authorization: Bearer, as the Ollama client does (ollama.com, "
        "or a proxy).",
    )

    @field_validator("base_url")
    @classmethod
    def _client_url(cls, value: str) -> str:
        return client_url(value)

    @field_validator("keep_alive", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        value = value.strip()
        if re.fullmatch(r"-?\d+", value):
            return int(value)  # seconds, as the server's own OLLAMA_KEEP_ALIVE reads it
        if not GO_DURATION.fullmatch(value):
            raise ValueError("must be a number of seconds or a duration such as 10m, 1h or -1")
        return value

    @field_validator("headers", mode="before")
    @classmethod
    def _json_object(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict) or not all(
            isinstance(v, str) for v in parsed.values()
        ):  # never echo the value: it holds credentials
            raise ValueError('must be a JSON object of strings, e.g. {"Authorization": "Bearer …"}')
        return parsed

    def request_headers(self) -> dict[str, str]:
        """The headers every request to Ollama carries (listing and chat alike)."""
        headers = {name: value.get_secret_value() for name, value in self.headers.items()}
        has_auth = any(name.lower() == "authorization" for name in headers)
        if self.api_key is not None and not has_auth:
            headers["Authorization"] = f"Bearer {self.api_key.get_secret_value()}"
        return headers


def client_url(value: str) -> str:
    """``value`` as a URL to connect to: a scheme added when missing, Ollama's port added to a
    bare host, a wildcard bind address replaced by loopback, no trailing slash.

    >>> client_url("0.0.0.0:11434"), client_url(":11500"), client_url("https://ollama.example")
    ('http://127.0.0.1:11434', 'http://127.0.0.1:11500', 'https://ollama.example')
    """
    value = value.strip()
    bare = "://" not in value
    if bare:
        value = f"http://{'127.0.0.1' if value.startswith(':') else ''}{value}"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http(s) URL or host[:port], e.g. http://localhost:11434")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("has an invalid port") from None
    host = parts.netloc.rpartition("@")[2]
    if port is not None:
        host = host.rpartition(":")[0]
    host = WILDCARD_HOSTS.get(host, host)
    if port is None and bare:
        port = DEFAULT_PORT
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = (f"{userinfo}@" if userinfo else "") + host + (f":{port}" if port else "")
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


def display_url(url: str) -> str:
    """``url`` without any user:password part, fit for messages and logs."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
