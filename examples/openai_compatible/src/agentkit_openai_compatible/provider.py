"""The provider: list the server's models over plain HTTP, chat through ``ChatOpenAI``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

import agentkit
from agentkit import ChatParams, Model, Provider
from agentkit_openai_compatible.settings import OpenAICompatibleSettings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import AIMessageChunk

NO_KEY = "none"
"""Sent when no key is set: the OpenAI SDK insists on one, and servers without auth ignore it."""
BASE_URL_HINT = "Start the server, or correct OPENAI_COMPATIBLE_BASE_URL."
API_KEY_HINT = "Check OPENAI_COMPATIBLE_API_KEY."


class OpenAICompatibleProvider(Provider):
    id = "openai-compatible"
    name = "OpenAI-compatible server"
    Settings = OpenAICompatibleSettings

    settings: OpenAICompatibleSettings

    @property
    def default_model(self) -> str | None:
        return self.settings.model

    async def list_models(self) -> list[Model]:
        import httpx  # plain HTTP is enough to list, and much cheaper to import than the SDK

        url = f"{self.settings.base_url}/models"
        async with httpx.AsyncClient(timeout=self.settings.timeout) as client:
            response = await client.get(url, headers=self._auth_headers())
        if response.status_code == 404:
            raise agentkit.UpstreamError(
                f"{url} does not exist.",
                hint="The base URL usually ends in /v1.",
                retryable=False,
            )
        if response.status_code != 200:
            raise self._status_error(response.status_code, response.headers)
        try:
            return [_model(item) for item in response.json()["data"]]
        except (ValueError, KeyError, TypeError):
            raise agentkit.UpstreamError(
                f"{url} did not answer with an OpenAI model list.",
                hint="Is OPENAI_COMPATIBLE_BASE_URL the server's OpenAI API root?",
                retryable=False,
            ) from None

    def chat_model(self, model: str, params: ChatParams) -> BaseChatModel:
        import httpx
        from langchain_openai import ChatOpenAI

        from agentkit import http

        transport = http.shared_transport(self)  # one pool and TLS context for all its models
        return ChatOpenAI(
            model=model,
            base_url=self.settings.base_url,
            api_key=self._api_key(),
            max_retries=0,  # the host retries
            stream_usage=True,  # token usage goes into RUN_FINISHED
            stream_chunk_timeout=None,  # the host's time limits apply
            http_async_client=httpx.AsyncClient(transport=transport, timeout=http.timeout()),
            http_client=httpx.Client(transport=transport, timeout=http.timeout()),
            **params.model_dump(exclude_none=True),
        )

    def check_chunk(self, chunk: AIMessageChunk) -> None:
        if chunk.response_metadata.get("finish_reason") == "content_filter":
            raise agentkit.ContentFiltered("The server's content filter blocked the answer.")

    def translate_error(self, exc: BaseException) -> agentkit.AgentKitError | None:
        import httpx

        if isinstance(exc, httpx.TimeoutException):
            return self._timeout_error()
        if isinstance(exc, httpx.ConnectError):
            return self._unreachable_error()

        import openai  # already imported when a chat failed; never at start-up

        if isinstance(exc, openai.APITimeoutError):
            return self._timeout_error()
        if isinstance(exc, openai.APIConnectionError) and _broke_off(exc):
            return agentkit.UpstreamError(
                f"The connection to {self.settings.base_url} broke off mid-answer.",
                retryable=False,
            )
        if isinstance(exc, openai.APIConnectionError):
            return self._unreachable_error()
        if isinstance(exc, openai.APIStatusError):
            if _is_context_overflow(exc):
                return agentkit.ContextLengthExceeded(
                    "The conversation is too long for the model's context window.",
                    hint="Start a new conversation, or choose a model with a longer context.",
                )
            return self._status_error(exc.status_code, exc.response.headers)
        return None  # the host's generic mapping handles the rest

    def _api_key(self) -> SecretStr:
        return self.settings.api_key or SecretStr(NO_KEY)

    def _auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._api_key().get_secret_value()}"}

    def _status_error(self, status: int, headers: Any) -> agentkit.AgentKitError:
        return agentkit.from_status(
            status,
            f"{self.settings.base_url} answered HTTP {status}.",
            retry_after=agentkit.parse_retry_after(headers.get("retry-after")),
            hint=API_KEY_HINT if status in (401, 403) else None,
        )

    def _timeout_error(self) -> agentkit.AgentKitError:
        return agentkit.UpstreamTimeout(
            f"{self.settings.base_url} did not answer in time.",
            hint="Check that the server is up; OPENAI_COMPATIBLE_TIMEOUT bounds listing models.",
        )

    def _unreachable_error(self) -> agentkit.AgentKitError:
        return agentkit.UpstreamUnavailable(
            f"Nothing answers at {self.settings.base_url}.", hint=BASE_URL_HINT
        )


def _model(item: dict[str, Any]) -> Model:
    """One entry of ``GET /models`` as an AgentKit model."""
    details = {"owned_by": item["owned_by"]} if item.get("owned_by") else {}
    return Model(id=item["id"], details=details)


def _broke_off(exc: BaseException) -> bool:
    """The SDK reports a refused connection and a stream dropped mid-answer alike, as
    ``APIConnectionError``; the underlying HTTP error tells them apart."""
    cause = exc.__cause__ or exc.__context__
    while cause is not None:
        if type(cause).__name__ in ("RemoteProtocolError", "ReadError"):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _is_context_overflow(exc: Any) -> bool:
    """OpenAI says ``context_length_exceeded``; vLLM and llama.cpp say it in the message."""
    message = str(getattr(exc, "message", "")).lower()
    return exc.code == "context_length_exceeded" or "context length" in message
