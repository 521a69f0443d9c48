"""The Gemini provider: Google's Gemini API with an API key from Google AI Studio."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from agentkit import AgentKitError, ChatParams, Model, OpaqueReasoning, Provider
from agentkit_gemini import errors, reasoning
from agentkit_gemini.chat import build_chat_model
from agentkit_gemini.listing import DEFAULT_BASE_URL, PAGE_SIZE, list_models
from agentkit_gemini.settings import GeminiSettings

if TYPE_CHECKING:
    from langchain_core.messages import AIMessage, AIMessageChunk
    from langchain_google_genai import ChatGoogleGenerativeAI


YOUTUBE_VIDEO = re.compile(
    r"https://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?v=|shorts/)|youtu\.be/)[\w-]{11}\S*"
)
"""A public YouTube video's address (the video-understanding guide: "YouTube URLs")."""


class GeminiProvider(Provider):
    id = "gemini"
    name = "Gemini"
    Settings = GeminiSettings
    unreachable_hint = "Check the network connection, or GEMINI_BASE_URL if you set it."
    auth_hint = errors.KEY_HINT
    blocked_finish_reasons = errors.BLOCKING_FINISH_REASONS

    def fetches_url(self, kind: str, url: str) -> bool:
        """Only a public YouTube video goes to Gemini as a URL (``fileData``, as
        langchain-google-genai sends it): Gemini fetches it, and no host can (the URL is a web
        page, not the video). Every other URL is fetched by the host under its own rules and
        sent as ``inlineData``: Gemini fetches only some URLs itself (its Files API, since
        January 2026 public https URLs of some types on models after 2.0), none on the user's
        own network, and langchain-google-genai downloads the rest in the host process with none
        of the host's limits (private addresses, size, time). Files API files are ``file``
        sources (the file's ``uri`` or ``name``), sent as ``fileData``."""
        return kind == "video" and YOUTUBE_VIDEO.fullmatch(url) is not None

    page_size = PAGE_SIZE
    """Models asked for per listing page (the API's default is 50, its maximum 1000)."""

    settings: GeminiSettings

    def __init__(self, settings: GeminiSettings) -> None:
        super().__init__(settings)
        self.thinks: dict[str, bool] = {}
        """Whether each model of the last listing thinks, as Gemini's metadata says."""

    @property
    def endpoint(self) -> str:
        return self.settings.base_url or DEFAULT_BASE_URL

    async def list_models(self) -> list[Model]:
        from agentkit import http

        headers = {"x-goog-api-key": self.settings.api_key.get_secret_value()}
        async with http.client(self, headers=headers) as client:
            models = await list_models(client, self.settings.base_url, page_size=self.page_size)
        self.thinks = {m.id: "thinking" in m.capabilities for m in models}
        return models

    def chat_model(self, model: str, params: ChatParams) -> ChatGoogleGenerativeAI:
        from agentkit import http

        thinking = self.reasoning(model, params.reasoning_effort)
        transport = http.shared_transport(self)
        return build_chat_model(self.settings, model, params, transport, thinking)

    def reasoning(self, model: str, effort: str | None) -> dict[str, Any] | None:
        return reasoning.thinking_config(model, effort, thinks=self.thinks.get(model))

    def opaque_reasoning(self, message: AIMessage) -> OpaqueReasoning:
        return reasoning.signatures_of(message)

    def restore_reasoning(
        self, model: str, message: AIMessage, opaque: OpaqueReasoning
    ) -> AIMessage:
        return reasoning.with_signatures(message, opaque)

    def translate_error(self, exc: BaseException) -> AgentKitError | None:
        return errors.translate_error(exc, self)

    def check_chunk(self, chunk: AIMessageChunk) -> None:
        errors.check_chunk(chunk.response_metadata)
