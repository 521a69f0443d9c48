"""The Ollama provider: local models served by ``ollama serve``, chatted with through
``langchain_ollama.ChatOllama``.

Listing uses plain httpx (see ``listing``); the LangChain integration is imported only when the
first chat model is built.

Thinking: a model whose ``/api/show`` capabilities include ``thinking`` is sent ``think``
(:meth:`OllamaProvider.reasoning`), and ChatOllama is built with the same value as its
``reasoning``, which is what makes it keep ``message.thinking`` (as
``additional_kwargs["reasoning_content"]``, a LangChain reasoning block): without it, ChatOllama
drops the thinking a thinking model does by default.

Media: Ollama takes images only, as base64 in a message's ``images`` (docs/api.md, ``POST
/api/chat``); the host refuses other kinds before the run, and fetches an image given by URL
itself (Ollama takes no URLs). The model is ``chat_model.OllamaChatModel``, a ChatOllama that
hands the images to the ``ollama`` client as bytes (see there why).

The context window a chat gets is Ollama's ``num_ctx``: ``OLLAMA_NUM_CTX`` (or a request's
``num_ctx``) sent in ``options`` with every chat; unset, the model's Modelfile or the server's
default decides, and ``GET /models`` says which (``listing``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agentkit import AgentKitError, ChatParams, Model, Provider, nearest_effort
from agentkit_ollama.settings import OllamaSettings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from agentkit_ollama.listing import ModelInfo


LEVEL_FAMILIES = ("gptoss", "gpt-oss")
"""Model families that take ``think`` as a level only (``details.family`` of gpt-oss; the server
checks the same two names before it parses a model's output as harmony)."""

THINK_LEVELS = ("low", "medium", "high")
"""The levels gpt-oss takes (Ollama's ``"max"`` is ``"high"`` for it)."""

SERVER_DEFAULT_NOTICE = (
    "Chats get Ollama's default context window (OLLAMA_CONTEXT_LENGTH where Ollama runs, else "
    "4K to 256K tokens by GPU memory), often far less than a model's own: Ollama silently drops "
    "the start of a longer conversation. Set OLLAMA_NUM_CTX to choose the window."
)


class OllamaProvider(Provider):
    id = "ollama"
    name = "Ollama"
    Settings = OllamaSettings
    settings: OllamaSettings
    unreachable_hint = "Start Ollama (`ollama serve`), or set OLLAMA_BASE_URL to where it listens."
    auth_hint = "Check OLLAMA_HEADERS or OLLAMA_API_KEY: the proxy in front of Ollama wants them."
    media = frozenset({"image"})
    takes_num_ctx = True

    def __init__(self, settings: OllamaSettings) -> None:
        super().__init__(settings)
        self._model_info: dict[str, ModelInfo] = {}  # by digest
        self._listed: dict[str, Model] = {}  # by name with its tag, from the last listing

    async def list_models(self) -> list[Model]:
        from agentkit import http
        from agentkit_ollama.listing import list_pulled_models

        async with http.client(self, headers=self.settings.request_headers()) as client:
            models = await list_pulled_models(
                client, self.settings.base_url, self._model_info, self.settings.num_ctx
            )
        self._listed = {_tagged(model.id): model for model in models}
        return models

    def choose_default(self, models: list[Model]) -> tuple[str | None, str | None]:
        """``OLLAMA_MODEL`` when it is pulled, else the first pulled model, with a notice; and a
        notice when the server's default context window applies to a model (see ``listing``)."""
        default, notice = self._default(models)
        if any(m.available and not m.knows("context_in_effect") for m in models):
            notice = " ".join(filter(None, [notice, SERVER_DEFAULT_NOTICE]))
        return default, notice

    def _default(self, models: list[Model]) -> tuple[str | None, str | None]:
        configured = self.settings.model
        pulled = [m.id for m in models if m.available]
        match = next((m for m in pulled if same_model(m, configured)), None)
        if match:
            return match, None
        if not pulled:
            return configured, f"Ollama has no models to chat with; run `ollama pull {configured}`."
        return pulled[0], (
            f"{configured} (OLLAMA_MODEL) is not pulled, so {pulled[0]} is the default; "
            f"run `ollama pull {configured}` to use it."
        )

    def reasoning(self, model: str, effort: str | None) -> dict[str, Any] | None:
        """``{"think": ...}`` for a model the listing says can think, ``None`` (nothing sent)
        for any other: asking a model that cannot think to think is a 400.

        Unset effort sends ``true``, which is what the server assumes when ``think`` is left
        out, said out loud so that ChatOllama keeps the thinking. gpt-oss takes a level and
        cannot stop thinking, so "none" and "minimal" become "low"; other thinking models
        take a boolean: "none" is false, every other effort true."""
        listed = self._listed.get(_tagged(model))
        if listed is None or "thinking" not in listed.capabilities:
            return None
        if listed.details.get("family") in LEVEL_FAMILIES:
            think: bool | str = True if effort is None else nearest_effort(effort, THINK_LEVELS)
        else:
            think = effort != "none"
        return {"think": think}

    def chat_model(self, model: str, params: ChatParams) -> BaseChatModel:
        """An ``OllamaChatModel`` on the provider's shared connection pool (``agentkit.http``): a
        new parameter costs a few objects, not a TLS context and a pool of its own."""
        from agentkit import http
        from agentkit_ollama.chat_model import OllamaChatModel

        extra = {}
        if self.settings.keep_alive is not None:  # otherwise the server's default applies
            extra["keep_alive"] = self.settings.keep_alive
        think = (self.reasoning(model, params.reasoning_effort) or {}).get("think")
        # ChatOllama makes no retries of its own; the host retries.
        return OllamaChatModel(
            model=model,
            base_url=self.settings.base_url,
            reasoning=think,
            temperature=params.temperature,
            num_predict=params.max_tokens,
            num_ctx=params.num_ctx or self.settings.num_ctx,  # capped by Ollama at the window
            top_p=params.top_p,
            stop=params.stop,
            seed=params.seed,
            client_kwargs={
                "headers": self.settings.request_headers(),
                "timeout": http.timeout(),
                "transport": http.shared_transport(self),
            },
            **extra,
        )

    def translate_error(self, exc: BaseException) -> AgentKitError | None:
        from agentkit_ollama.errors import translate

        return translate(exc, self)

    def secret_values(self) -> list[str]:
        """Header values too (the core covers the API key and the URL's password)."""
        values = super().secret_values()
        return values + [value.get_secret_value() for value in self.settings.headers.values()]


def same_model(listed: str, wanted: str) -> bool:
    """Whether two names mean the same model: Ollama reads ``llama3`` as ``llama3:latest``."""
    return _tagged(listed) == _tagged(wanted)


def _tagged(name: str) -> str:
    return name if ":" in name.rpartition("/")[2] else f"{name}:latest"
