"""The Gemini provider: Google's Gemini API with an API key from Google AI Studio."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agentkit import AgentKitError, ChatParams, Model, Provider
from agentkit_gemini import errors
from agentkit_gemini.chat import build_chat_model
from agentkit_gemini.listing import PAGE_SIZE, list_models
from agentkit_gemini.settings import GeminiSettings

if TYPE_CHECKING:
    from langchain_core.messages import AIMessageChunk
    from langchain_google_genai import ChatGoogleGenerativeAI


class GeminiProvider(Provider):
    id = "gemini"
    name = "Gemini"
    Settings = GeminiSettings

    page_size = PAGE_SIZE
    """Models asked for per listing page (the API's default is 50, its maximum 1000)."""

    settings: GeminiSettings

    @property
    def default_model(self) -> str | None:
        return self.settings.model

    async def list_models(self) -> list[Model]:
        return await list_models(
            self.settings.base_url,
            self.settings.api_key.get_secret_value(),
            page_size=self.page_size,
        )

    def chat_model(self, model: str, params: ChatParams) -> ChatGoogleGenerativeAI:
        from agentkit import http

        return build_chat_model(self.settings, model, params, http.shared_transport(self))

    def translate_error(self, exc: BaseException) -> AgentKitError | None:
        return errors.translate_error(exc)

    def check_chunk(self, chunk: AIMessageChunk) -> None:
        errors.check_chunk(chunk.response_metadata)
