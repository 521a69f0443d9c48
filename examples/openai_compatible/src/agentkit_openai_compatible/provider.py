"""The provider: list the server's models over plain HTTP, chat through ``ChatOpenAI`` (with the
thinking of reasoning models kept, see ``chat``).

Errors need no code here: the host's error path reads OpenAI's error JSON, Retry-After, context
overflow and refused connections, and words them with the hints below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

import agentkit
from agentkit import ChatParams, Model, Provider, nearest_effort
from agentkit_openai_compatible.settings import OpenAICompatibleSettings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

NO_KEY = "none"
"""Sent when no key is set: the OpenAI SDK insists on one, and servers without auth ignore it."""

SERVER_EFFORTS = ("low", "medium", "high")
"""The ``reasoning_effort`` values every common server takes (vLLM takes no others)."""


class OpenAICompatibleProvider(Provider):
    id = "openai-compatible"
    name = "OpenAI-compatible server"
    Settings = OpenAICompatibleSettings
    unreachable_hint = (
        "Start the server, or correct OPENAI_COMPATIBLE_BASE_URL (its OpenAI API root, "
        "usually ending in /v1)."
    )
    auth_hint = "Check OPENAI_COMPATIBLE_API_KEY."

    settings: OpenAICompatibleSettings

    async def list_models(self) -> list[Model]:
        from agentkit import http

        headers = {"Authorization": f"Bearer {self._api_key().get_secret_value()}"}
        async with http.client(self, headers=headers) as client:
            body = await http.get_json(client, f"{self.settings.base_url}/models")
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise agentkit.UpstreamError(
                f"{self.settings.base_url}/models did not answer with an OpenAI model list.",
                hint="Is OPENAI_COMPATIBLE_BASE_URL the server's OpenAI API root?",
                retryable=False,
            )
        return [_model(item) for item in body["data"] if isinstance(item, dict) and "id" in item]

    def reasoning(self, model: str, effort: str | None) -> dict[str, Any] | None:
        """``reasoning_effort`` when the user chose an effort, else nothing (the server's
        default). "none" and "minimal" are sent as "low", the least every server takes."""
        if effort is None:
            return None
        return {"reasoning_effort": nearest_effort(effort, SERVER_EFFORTS)}

    def chat_model(self, model: str, params: ChatParams) -> BaseChatModel:
        import httpx

        from agentkit import http
        from agentkit_openai_compatible.chat import ReasoningChatOpenAI

        transport = http.shared_transport(self)  # one pool and TLS context for all its models
        return ReasoningChatOpenAI(
            model=model,
            base_url=self.settings.base_url,
            api_key=self._api_key(),
            max_retries=0,  # the host retries
            stream_usage=True,  # token usage goes into RUN_FINISHED
            stream_chunk_timeout=None,  # the host's time limits apply
            http_async_client=httpx.AsyncClient(transport=transport, timeout=http.timeout()),
            http_client=httpx.Client(transport=transport, timeout=http.timeout()),
            **params.model_dump(exclude_none=True, exclude={"reasoning_effort"}),
            **(self.reasoning(model, params.reasoning_effort) or {}),
        )

    def _api_key(self) -> SecretStr:
        return self.settings.api_key or SecretStr(NO_KEY)


def _model(item: dict[str, Any]) -> Model:
    """One entry of ``GET /models`` as an AgentKit model."""
    details = {"owned_by": item["owned_by"]} if item.get("owned_by") else {}
    return Model(id=str(item["id"]), details=details)
