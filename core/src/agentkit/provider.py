"""The provider contract: what a plugin implements to plug an LLM service into AgentKit.

A provider is a subclass of :class:`Provider` with three class attributes (``id``, ``name``,
``Settings``) and two methods (``list_models`` and ``chat_model``). The host reads the settings,
lists models concurrently, and builds a LangChain chat model for each model it chats with. See
docs/writing-a-provider.md for a worked example.

Nothing here imports a provider SDK or LangChain at module level: discovery must stay cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage

    from agentkit.errors import AgentKitError
    from agentkit.reasoning import OpaqueReasoning


class ProviderSettings(BaseSettings):
    """Base class for a provider's settings, read from the environment and a ``.env`` file.

    Declare each setting as a field; name its environment variable with ``validation_alias``
    (or ``env_prefix`` in ``model_config``). Mark secrets as ``SecretStr``: the host never shows
    their value, only whether they are set. A required field that is missing makes the provider
    ``unconfigured``, and the message names its environment variable. An empty variable counts as
    unset (``KEY=`` must not send an empty key). Type a service address as :data:`HttpURL`.
    """

    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, env_ignore_empty=True
    )


def _http_url(value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be a URL starting with http:// or https://, with a host")
    return value.rstrip("/")


HttpURL = Annotated[str, AfterValidator(_http_url)]
"""A setting that holds a service's address: an http(s) URL with a host, kept without a trailing
slash. Credentials in it (``https://user:password@host``) are redacted everywhere."""


class NotConfigured(Exception):
    """Raised by a provider's ``__init__`` when its settings are incomplete in a way a field
    cannot express (for example "a key or an Entra credential"). The provider is listed as
    ``unconfigured`` with this message."""


class ChatParams(BaseModel):
    """Per-request generation parameters, from ``forwardedProps.params`` of a chat request.

    Every field is optional: ``None`` means "the provider's default". Providers map them onto
    their SDK's arguments and drop those a model does not accept.
    """

    model_config = ConfigDict(extra="forbid")

    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=1)
    top_p: float | None = Field(default=None, ge=0, le=1)
    stop: list[str] | None = None
    seed: int | None = None
    num_ctx: int | None = Field(default=None, ge=1)
    """The context window to run the model with, in tokens, where the service lets a request
    choose it (Ollama); other providers ignore it."""
    reasoning_effort: Literal["none", "minimal", "low", "medium", "high"] | None = None
    """How much a reasoning model should think; each provider maps it to what its API takes
    (``Provider.reasoning``), the nearest the model supports."""


CAPABILITIES = ("tools", "vision", "audio", "video", "documents", "thinking", "structured_output")
"""What a model can do, as ``Model.capabilities`` names it: call tools, take images, audio, video
and documents (PDF) as input, reason, answer in a JSON schema."""


@dataclass
class Model:
    """One model a provider offers, as listed by ``GET /models``, with its profile.

    ``size`` is a human string ("4.7 GB", "Azure Cloud"); ``details`` holds anything else worth
    showing (parameter size, quantisation, the model behind a deployment).

    The profile says what the model can do and how much it takes: ``capabilities`` (names from
    :data:`CAPABILITIES`), ``context_window`` (tokens of input), ``max_output_tokens``, and
    ``context_in_effect`` when requests get a smaller window than the model's own (Ollama's
    ``num_ctx``), and ``unsupported_params``: request parameters the model refuses (a reasoning
    model's ``temperature``), which the host drops. ``sources`` names where each fact comes from
    (``{"capabilities": "Ollama /api/show"}``); a fact without a source is unknown, and the host
    acts only on known facts (refusing an image for a model known to have no vision, a
    conversation known to be too long).
    """

    id: str
    name: str | None = None
    size: str | None = None
    available: bool = True
    capabilities: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    context_window: int | None = None
    max_output_tokens: int | None = None
    context_in_effect: int | None = None
    unsupported_params: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)

    def knows(self, fact: str) -> bool:
        """Whether the profile fact ``fact`` (a field's name) is known, from a named source."""
        return fact in self.sources

    def to_dict(self, provider_id: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name or self.id,
            "size": self.size,
            "available": self.available,
            "provider": provider_id,
            "capabilities": list(self.capabilities),
            "context_window": self.context_window,
            "max_output_tokens": self.max_output_tokens,
            "context_in_effect": self.context_in_effect,
            "unsupported_params": list(self.unsupported_params),
            "sources": dict(self.sources),
            "details": dict(self.details),
        }


class Provider:
    """Base class for a provider. Subclass it and register the subclass from a plugin::

        class Echo(Provider):
            id = "echo"
            name = "Echo"
            Settings = EchoSettings

            async def list_models(self) -> list[Model]: ...
            def chat_model(self, model: str, params: ChatParams) -> BaseChatModel: ...

        @agentkit.hookimpl
        def register_providers(register):
            register(Echo)

    The host creates one instance per process with validated settings (``self.settings``).
    """

    id: ClassVar[str]
    name: ClassVar[str]
    Settings: ClassVar[type[ProviderSettings]] = ProviderSettings
    reuse_chat_models: ClassVar[bool] = True
    """Whether the host may reuse a model ``chat_model`` built for later runs with the same model
    id and parameters (until the provider is listed again). Set ``False`` when what the builder
    makes depends on anything else."""

    unreachable_hint: ClassVar[str | None] = None
    """What to do when the service does not accept connections, e.g. "Start Ollama (`ollama
    serve`), or set OLLAMA_BASE_URL." The host's error mapping puts it in the message."""

    auth_hint: ClassVar[str | None] = None
    """What to do when the service refuses the credentials (401, 403): which settings hold them."""

    media: ClassVar[frozenset[str] | None] = None
    """The kinds of media the service takes at all, as LangChain block types (``"image"``,
    ``"audio"``, ``"video"``, ``"file"`` for documents); ``None``: any, as far as each model's
    profile allows. A part of another kind is refused before the run (Ollama: images only)."""

    media_urls: ClassVar[frozenset[str]] = frozenset()
    """The kinds of media whose ``url`` sources the service fetches itself. For the others the
    host fetches the URL (``agentkit.fetch``) and sends the bytes. ``fetches_url`` decides per
    URL where a kind is not enough."""

    takes_num_ctx: ClassVar[bool] = False
    """Whether the service runs a model with the window a request's ``num_ctx`` sets (Ollama).
    For the others the host leaves ``num_ctx`` out of the request and does not take it as the
    window in effect."""

    blocked_finish_reasons: ClassVar[frozenset[str]] = frozenset({"content_filter"})
    """Finish reasons that mean the service blocked the answer: the run ends ``content_filtered``
    instead of looking like a short answer."""

    def __init__(self, settings: ProviderSettings) -> None:
        self.settings = settings

    @property
    def default_model(self) -> str | None:
        """The model to use when a request names none: the settings' ``model`` field, if any."""
        model = getattr(self.settings, "model", None)
        return model if isinstance(model, str) else None

    @property
    def endpoint(self) -> str | None:
        """The service's address, named in messages (the settings' ``base_url``, if any)."""
        url = getattr(self.settings, "base_url", None)
        return url if isinstance(url, str) else None

    async def list_models(self) -> list[Model]:
        """List the models this provider offers. Called concurrently, under a timeout: it must
        be cancellable (await only async I/O) and should raise an ``AgentKitError`` a user can
        act on when the service cannot be listed."""
        raise NotImplementedError

    def chat_model(self, model: str, params: ChatParams) -> BaseChatModel:
        """Build a LangChain chat model for ``model`` with ``params``. The host calls this in a
        worker thread and reuses the model for later runs with the same arguments (see
        ``reuse_chat_models``), from concurrent runs too. Import the SDK here, not at module
        level; hand it ``agentkit.http.shared_transport(self)`` so models share one connection
        pool; switch its own retries off (``max_retries=0``): the host retries, and bounds every
        answer with its time limits."""
        raise NotImplementedError

    def reasoning(self, model: str, effort: str | None) -> dict[str, Any] | None:
        """What this provider sends upstream for a request's ``reasoning_effort`` with ``model``,
        as its API names it (``{"think": "low"}``): the nearest the model supports. The host
        reports it in RUN_STARTED's metadata; the builder sends the same. ``None``: nothing is
        sent, the provider's default applies."""
        return None

    def opaque_reasoning(self, message: AIMessage) -> OpaqueReasoning | None:
        """What of an answer (the whole streamed ``message``) the service wants back with the next
        request and the client cannot read: signatures, encrypted reasoning. The host sends it to
        the client and back (``agentkit.reasoning``). The default keeps nothing."""
        return None

    def restore_reasoning(
        self, model: str, message: AIMessage, opaque: OpaqueReasoning
    ) -> AIMessage:
        """``message``, a past answer coming back in a request to ``model``, with the ``opaque``
        reasoning this provider kept from it put back where its LangChain integration reads it
        (or left out, when ``model`` cannot take it: the conversation may have switched model).
        Called only with values this provider sealed; still, a client can send anything: check
        what you parse, and raise ``InvalidRequest`` for what is not yours."""
        return message

    def fetches_url(self, kind: str, url: str) -> bool:
        """Whether the service fetches this ``url`` source of a ``kind`` block (``"image"``,
        ``"audio"``, ``"video"``, ``"file"``) itself, so that it goes to the service as a URL;
        otherwise the host fetches it, under its own rules, and sends the bytes. The default:
        the kinds in ``media_urls``."""
        return kind in self.media_urls

    def check_messages(self, model: str, messages: list[BaseMessage]) -> None:
        """Refuse, before the run starts, what ``model`` at this service cannot take in the
        conversation and the host's own checks (``media``, the model's profile) do not cover: a
        format, a part in a place the API has none. Raise ``agentkit.UnsupportedMedia`` (a 422
        ``unsupported_media``) or ``agentkit.InvalidRequest`` (a 422 ``invalid_body``). The
        default takes everything."""

    def translate_error(self, exc: BaseException) -> AgentKitError | None:
        """Map an exception only this provider understands to an ``AgentKitError``; ``None``
        leaves it to the host's generic mapping (``agentkit.translation``), which already reads
        transport errors, HTTP error answers in the usual envelopes, Retry-After, and
        context-length and content-filter signals."""
        return None

    def check_chunk(self, chunk: AIMessageChunk) -> None:
        """Inspect each streamed chunk; raise ``ContentFiltered`` (or another ``AgentKitError``)
        for a chunk that says the answer was blocked or cut, with more detail than the host's own
        check of ``blocked_finish_reasons``. The default does nothing."""

    def choose_default(self, models: list[Model]) -> tuple[str | None, str | None]:
        """Pick the default model given the listing: ``(model id, notice or None)``.

        Falls back to the first available model when the configured default is not offered.
        """
        configured = self.default_model
        available = [m.id for m in models if m.available]
        if not available or configured in available:
            return configured, None
        if configured is None:
            return available[0], None
        return available[0], f"{configured} is not available; using {available[0]} instead."

    def secret_values(self) -> list[str]:
        """What the host must never show: every ``SecretStr`` setting, and the credentials inside
        any URL setting (with the base64 ``user:password`` form an HTTP client derives from
        them). Override it to add more, such as header values."""
        from agentkit.redaction import url_secrets

        values = []
        for name in type(self.settings).model_fields:
            value = getattr(self.settings, name, None)
            if isinstance(value, SecretStr) and value.get_secret_value():
                values.append(value.get_secret_value())
            elif isinstance(value, str):
                values += url_secrets(value)
        return values
