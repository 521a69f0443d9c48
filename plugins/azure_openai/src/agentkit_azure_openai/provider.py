"""The Azure OpenAI provider: deployments on an Azure OpenAI resource, with a key or Entra ID."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agentkit import AgentKitError, ChatParams, Model, NotConfigured, OpaqueReasoning, Provider
from agentkit_azure_openai import errors, opaque
from agentkit_azure_openai.auth import EntraTokens, sign_in_found
from agentkit_azure_openai.chat import build_chat_model, reasoning_request
from agentkit_azure_openai.families import reasoner
from agentkit_azure_openai.listing import DeploymentLister
from agentkit_azure_openai.media import for_azure
from agentkit_azure_openai.settings import AzureOpenAISettings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage


CHAT_MEDIA = frozenset({"image", "audio"})
"""What Azure's chat completions take: ``image_url`` and ``input_audio`` parts. Not PDFs: Azure
answers a ``file`` part with 400 "Invalid Value: 'file'. This model does not support file content
types." (whatever the model; its docs show PDFs on the Responses API only)."""

RESPONSES_MEDIA = frozenset({"image", "file"})
"""What the Responses API takes: ``input_image`` and ``input_file`` (PDFs). Not audio: it has no
``input_audio`` part (and langchain-openai would drop one without a word)."""


class AzureOpenAIProvider(Provider):
    id = "azure-openai"
    name = "Azure OpenAI"
    Settings = AzureOpenAISettings
    unreachable_hint = "Check AZURE_OPENAI_ENDPOINT and the network connection."
    media_urls = frozenset({"image"})
    """Azure fetches an image's http(s) URL itself (how-to/gpt-with-vision.md, how-to/responses.md
    "Image url"); the host fetches a document's."""

    settings: AzureOpenAISettings

    def __init__(self, settings: AzureOpenAISettings) -> None:
        super().__init__(settings)
        check_configured(settings)
        self.tokens = EntraTokens() if settings.auth_mode == "entra" else None
        self.lister = DeploymentLister(settings, self.tokens)

    @property
    def default_model(self) -> str | None:
        return self.settings.deployment

    @property
    def endpoint(self) -> str:
        return self.settings.endpoint

    @property
    def media(self) -> frozenset[str]:  # type: ignore[override]
        """The media the API in use takes at all (``AZURE_OPENAI_API``): images and audio on chat
        completions, images and PDFs on the Responses API. No API takes video."""
        return RESPONSES_MEDIA if self.settings.api == "responses" else CHAT_MEDIA

    def check_messages(self, model: str, messages: list[BaseMessage]) -> None:
        """Refuse before the run what Azure takes in no form: audio that is not wav or mp3, a
        document that is not a PDF, media by file handle, media in a chat completions tool
        result (``media.for_azure``)."""
        for_azure(messages, "responses" if self.settings.api == "responses" else "chat")

    @property
    def auth_hint(self) -> str:  # type: ignore[override]
        """Where the credentials come from: a key, or an Entra ID role assignment."""
        return errors.KEY_HINT if self.settings.auth_mode == "key" else errors.ENTRA_HINT

    async def list_models(self) -> list[Model]:
        return await self.lister.list_models()

    def choose_default(self, models: list[Model]) -> tuple[str | None, str | None]:
        default, notice = super().choose_default(models)
        notices = [text for text in (self.lister.notice, notice) if text]
        return default, " ".join(notices) or None

    def chat_model(self, model: str, params: ChatParams) -> BaseChatModel:
        """``model`` is the deployment's name; the model behind it decides the parameters."""
        from agentkit import http

        reasoning = self.reasoning(model, params.reasoning_effort)
        transport = http.shared_transport(self)
        return build_chat_model(
            self.settings,
            model,
            self.lister.model_of(model),
            params,
            reasoning,
            self.tokens,
            transport,
        )

    def reasoning(self, model: str, effort: str | None) -> dict[str, Any] | None:
        """``reasoning_effort`` (chat completions) or ``reasoning`` (Responses API) for the
        deployment ``model``, from the family of the model behind it."""
        return reasoning_request(self.settings, self.lister.model_of(model), effort)

    def opaque_reasoning(self, message: AIMessage) -> OpaqueReasoning | None:
        """On the Responses API, the answer's encrypted reasoning items; chat completions return
        nothing to carry."""
        if self.settings.api != "responses":
            return None
        items = opaque.reasoning_items(message)
        return OpaqueReasoning(message=items) if items else None

    def restore_reasoning(
        self, model: str, message: AIMessage, carried: OpaqueReasoning
    ) -> AIMessage:
        """The carried reasoning items back in front of the answer, on the Responses API and to a
        deployment known to reason (chat completions have no place for them, and a model that
        does not reason refuses them: the message goes as it is)."""
        if self.settings.api != "responses" or carried.message is None:
            return message
        if reasoner(self.lister.model_of(model)) is None:
            return message
        return opaque.restore(message, carried.message)

    def translate_error(self, exc: BaseException) -> AgentKitError | None:
        return errors.translate_error(exc, self)

    def check_chunk(self, chunk: AIMessageChunk) -> None:
        errors.check_chunk(chunk.response_metadata)


def check_configured(settings: AzureOpenAISettings) -> None:
    """Raise ``NotConfigured`` for what a single field cannot say: a credential, a deployment."""
    if settings.auth_mode == "key" and settings.api_key is None:
        raise NotConfigured("AZURE_OPENAI_API_KEY is not set (AZURE_OPENAI_AUTH=key)")
    if settings.auth is None and settings.api_key is None and not sign_in_found():
        raise NotConfigured(
            "AZURE_OPENAI_API_KEY is not set and no Entra ID sign-in was found "
            "(sign in with `az login`, or set AZURE_OPENAI_AUTH=entra for a managed identity)"
        )
    management = settings.discovery_configured and settings.auth_mode == "entra"
    if not settings.configured_deployments() and not management:
        raise NotConfigured(
            "AZURE_OPENAI_DEPLOYMENT is not set (the name of a deployment on your resource)"
        )
