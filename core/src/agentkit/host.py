"""The host: what every run needs, assembled once, and the one place that turns a request's
choices into a run.

A :class:`Host` owns the registry (plugins, providers, agents, redaction), the model catalog, the
chat models built for runs, the retry policy and the time limits. :meth:`Host.prepare_run` resolves
the agent, the provider, the model (every default rule lives here) and the parameters, converts the
conversation, and returns a :class:`~agentkit.chat.ChatRun`; what is wrong with a request is an
``HTTPProblem``, raised before any stream starts. ``app.py`` does only HTTP around it; the CLI and
the benchmarks use the same object, and so can another encoding of the same runs.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from anyio import to_thread
from pydantic import ValidationError

from agentkit import reasoning
from agentkit.agents import Agent
from agentkit.catalog import Catalog
from agentkit.chat_models import ChatModels
from agentkit.config import HostConfig
from agentkit.errors import AgentKitError, HTTPProblem, UnsupportedMedia
from agentkit.fetch import Fetcher
from agentkit.limits import RetryPolicy, TimeLimits
from agentkit.messages import MediaRules
from agentkit.provider import ChatParams, Model
from agentkit.registry import ProviderEntry, Registry
from agentkit.translation import plugin_fault

if TYPE_CHECKING:
    from ag_ui.core import RunAgentInput
    from langchain_core.messages import BaseMessage

    from agentkit.chat import ChatRun

MODEL_ID_MAX = 256
UNSAFE_MODEL_ID = re.compile(r"[\x00-\x1f\x7f?#\\]|(^|/)\.\.?(/|$)")
"""What a model id must not hold: control characters, ``?``, ``#``, a backslash, or a ``.`` or
``..`` path segment. Providers put the id in a URL path, where these change the request."""


class Host:
    """The running host (see the module's docs)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.config: HostConfig = registry.config
        self.chat_models = ChatModels()
        self.catalog = Catalog(registry, on_listed=self.chat_models.forget)
        self.retry = RetryPolicy.from_config(self.config)
        self.fetcher = Fetcher(
            schemes=self.config.fetch_schemes,
            max_bytes=self.config.max_part_bytes,
            timeout=self.config.fetch_timeout,
            allow_private=self.config.fetch_private_urls,
        )
        self.limits = TimeLimits.from_config(self.config)
        key = self.config.api_key.get_secret_value() if self.config.api_key else ""
        self.api_key: str | None = key or None

    @classmethod
    def load(cls, config: HostConfig | None = None, **kwargs: Any) -> Host:
        """A host with the installed plugins (``kwargs`` go to ``Registry.load``)."""
        return cls(Registry.load(config, **kwargs))

    def redact(self, text: str) -> str:
        return self.registry.redact(text)

    def agent(self, agent_id: str) -> Agent:
        agent = self.registry.agents.get(agent_id)
        if agent is None:
            raise HTTPProblem(
                404,
                "agent_not_found",
                f"There is no agent {agent_id!r}.",
                hint=f"Known agents: {', '.join(self.registry.agents)}.",
            )
        return agent

    def provider_entry(self, provider_id: str, *, status: int = 400) -> ProviderEntry:
        """The installed provider ``provider_id``, ready or not; ``unknown_provider`` if none."""
        entry = self.registry.providers.get(str(provider_id))
        if entry is None:
            known = ", ".join(self.registry.providers) or "none (install a provider plugin)"
            raise HTTPProblem(
                status,
                "unknown_provider",
                f"There is no provider {provider_id!r}.",
                hint=f"Installed providers: {known}.",
            )
        return entry

    async def prepare_run(
        self,
        agent_id: str,
        run_input: RunAgentInput,
        *,
        provider: str | None = None,
        model: str | None = None,
    ) -> ChatRun:
        """The run ``run_input`` asks of ``agent_id``. The provider and model come from
        ``forwardedProps``, else from ``provider`` and ``model`` (a request's query), else the
        defaults: ``DEFAULT_PROVIDER``, then ``DEFAULT_MODEL`` for it, else the provider's own
        default as its listing settles it."""
        from agentkit.chat import ChatRun
        from agentkit.media import inline_urls
        from agentkit.messages import to_langchain, tool_definitions
        from agentkit.profiles import not_taken

        agent = self.agent(agent_id)
        forwarded = run_input.forwarded_props or {}
        if not isinstance(forwarded, dict):
            raise HTTPProblem(422, "invalid_body", "forwardedProps must be a JSON object.")
        entry = self.provider_entry(
            forwarded.get("provider") or provider or self.config.default_provider
        )
        if entry.provider is None:
            raise HTTPProblem(
                409,
                "provider_not_ready",
                f"{entry.name} is {entry.state}: {self.redact(entry.error or '')}",
                hint=entry.hint,
            )
        try:
            params = ChatParams.model_validate(forwarded.get("params") or {})
        except ValidationError as exc:
            raise invalid_body("forwardedProps.params is not valid", exc, prefix="params") from None
        model_id, listed = await self._chosen_model(entry, forwarded.get("model") or model)
        try:
            convert = partial(
                to_langchain,
                run_input.messages,
                run_input.context,
                self._media_rules(entry, model_id, listed),
            )
            # checking media (base64 decoded, about 3 ms per MB) must not stall other streams
            messages = await to_thread.run_sync(convert) if _has_media(run_input) else convert()
            messages = await inline_urls(messages, entry.provider, self.fetcher)
            _check_messages(entry, model_id, messages)
            tools = tool_definitions(run_input.tools or [])
        except HTTPProblem:
            raise
        except UnsupportedMedia as exc:
            raise HTTPProblem(422, "unsupported_media", exc.message, hint=exc.hint) from None
        except AgentKitError as exc:
            raise HTTPProblem(422, "invalid_body", exc.message, hint=exc.hint) from None
        dropped = {}
        if params.num_ctx is not None and not entry.provider.takes_num_ctx:
            dropped["num_ctx"] = f"{entry.name} sets no context window per request"
            params = params.model_copy(update={"num_ctx": None})
        if listed is not None:
            if params.num_ctx is not None:  # this request's window in effect
                listed = replace(
                    listed,
                    context_in_effect=params.num_ctx,
                    sources={**listed.sources, "context_in_effect": "num_ctx in the request"},
                )
            _check_context(listed, messages)
        not_for_model = not_taken(listed, params, tools)
        if not_for_model:
            params = params.model_copy(update=dict.fromkeys(not_for_model.keys() - {"tools"}))
            tools = [] if "tools" in not_for_model else tools
            dropped |= not_for_model
        return ChatRun(
            thread_id=run_input.thread_id,
            run_id=run_input.run_id,
            agent=agent,
            provider=entry.provider,
            model_id=model_id,
            params=params,
            tools=tools,
            messages=messages,
            retry=self.retry,
            models=self.chat_models,
            limits=self.limits,
            plugin=entry.plugin.package,
            redact=self.redact,
            opaque=reasoning.carried(run_input.messages, entry.id),
            dropped=dropped,
        )

    async def capabilities(
        self, agent_id: str, *, provider: str | None = None, model: str | None = None
    ) -> dict[str, Any]:
        """AG-UI's ``AgentCapabilities`` of ``agent_id`` with ``provider`` and ``model`` (or the
        defaults), as JSON in AG-UI's camelCase, unknown facts left out."""
        import agentkit
        from agentkit.capabilities import describe

        agent = self.agent(agent_id)
        entry = self.provider_entry(provider or self.config.default_provider)
        if entry.provider is None:
            raise HTTPProblem(
                409, "provider_not_ready", f"{entry.name} is {entry.state}.", hint=entry.hint
            )
        model_id, listed = await self._chosen_model(entry, model)
        described = describe(agent, entry.provider, model_id, listed, agentkit.__version__)
        return described.model_dump(mode="json", by_alias=True, exclude_none=True)

    def _media_rules(self, entry: ProviderEntry, model_id: str, listed: Model | None) -> MediaRules:
        """What media parts of a chat with ``model_id`` are checked against: the provider's
        kinds, and the model's capabilities when its listing knows them."""
        provider = entry.provider
        known = listed is not None and listed.knows("capabilities")
        return MediaRules(
            part_bytes=self.config.max_part_bytes,
            provider_id=entry.id,
            provider_name=entry.name,
            kinds=provider.media if provider is not None else None,
            model_id=model_id,
            capabilities=frozenset(listed.capabilities) if known else None,
        )

    async def _chosen_model(self, entry: ProviderEntry, chosen: object) -> tuple[str, Model | None]:
        """The model id a request chose (or the default), and the model as the provider's listing
        describes it, when it does."""
        model_id = await self._model_for(entry, chosen)
        await self.catalog.ensure_listed(entry)
        return model_id, self.catalog.model(entry, model_id)

    async def _model_for(self, entry: ProviderEntry, chosen: object) -> str:
        if chosen is not None and not isinstance(chosen, str):
            raise HTTPProblem(422, "invalid_body", "forwardedProps.model must be a string.")
        model_id = chosen or await self.catalog.resolve_default_model(entry)
        if not model_id:
            raise HTTPProblem(
                400,
                "model_required",
                f"No model was chosen and {entry.name} has no default model.",
                hint="Send forwardedProps.model, or configure the provider's default model.",
            )
        _check_model_id(model_id)
        return model_id


def _has_media(run_input: RunAgentInput) -> bool:
    return any(
        not isinstance(message.content, str) and any(p.type != "text" for p in message.content)
        for message in run_input.messages
        if getattr(message, "content", None)
    )


def _check_messages(entry: ProviderEntry, model_id: str, messages: list[BaseMessage]) -> None:
    """The provider's own check of the conversation (``Provider.check_messages``); a plugin whose
    check fails with anything but an ``AgentKitError`` is named in a 500."""
    try:
        entry.provider.check_messages(model_id, messages)
    except AgentKitError:
        raise
    except Exception as exc:
        fault = plugin_fault(entry.plugin.package, "check_messages", exc)
        raise HTTPProblem(500, "internal_error", fault.message, hint=fault.hint) from None


def invalid_body(what: str, exc: ValidationError, prefix: str = "") -> HTTPProblem:
    """A 422 naming each field pydantic refused."""
    fields = []
    for error in exc.errors(include_url=False, include_input=False):
        location = ".".join(str(part) for part in (prefix, *error["loc"]) if part != "")
        fields.append({"field": location or "(body)", "message": error["msg"]})
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields[:3])
    return HTTPProblem(422, "invalid_body", f"{what}: {summary}.", fields=fields)


CHARS_PER_TOKEN = 6.0
"""Characters per token in the estimate of a conversation's length: more than English text
averages (about 4), so that the estimate stays below the real count and only a conversation
certain not to fit is refused."""


def _check_context(model: Model, messages: list[BaseMessage]) -> None:
    """Refuse a conversation the model's known window cannot hold, before it is sent: the
    provider would refuse it, or (Ollama beyond ``num_ctx``) silently drop its start."""
    from langchain_core.messages.utils import count_tokens_approximately

    window, fact = model.context_in_effect, "context_in_effect"
    if window is None or not model.knows(fact):
        window, fact = model.context_window, "context_window"
    if window is None or not model.knows(fact):
        return
    text_only = [m.model_copy(update={"content": m.text}) for m in messages]
    estimate = count_tokens_approximately(text_only, chars_per_token=CHARS_PER_TOKEN)
    if estimate > window:
        in_effect = fact == "context_in_effect"
        hint = "Shorten the conversation, or pick a model with a longer context window"
        raise HTTPProblem(
            400,
            "context_length_exceeded",
            f"The conversation is at least {estimate} tokens long, more than the {window} "
            f"tokens of {model.id}'s context window{' in effect' if in_effect else ''} "
            f"({model.sources[fact]}).",
            hint=hint
            + (", or raise the window in effect (the provider's settings)." if in_effect else "."),
        )


def _check_model_id(model_id: str) -> None:
    """Refuse a model id no provider can put in a URL safely, before anything is sent."""
    problem = None
    if len(model_id) > MODEL_ID_MAX:
        problem = f"it is {len(model_id)} characters long (at most {MODEL_ID_MAX})"
    elif not model_id.strip():
        problem = "it is blank"
    elif match := UNSAFE_MODEL_ID.search(model_id):
        problem = f"it contains {match.group().strip('/')!r}"
    if problem:
        raise HTTPProblem(
            400,
            "invalid_model",
            f"The model id {model_id[:60]!r} is not valid: {problem}.",
            hint="Use a model id from GET /models.",
        )
