"""Building the LangChain chat model for a deployment, for one of Azure's three APIs (classic chat
completions, v1 chat completions, v1 Responses), with a key or with Entra ID.

A request carries only what the user set, less what the model or the API does not take: no
temperature the user did not ask for, and for a model nobody named (``AZURE_OPENAI_MODEL``,
``AZURE_OPENAI_DEPLOYMENTS``, discovery) no parameter that depends on the model.

Every argument the SDKs could otherwise read from the environment (``AZURE_OPENAI_API_KEY``,
``AZURE_OPENAI_AD_TOKEN``, ``OPENAI_API_VERSION``, ``AZURE_OPENAI_ENDPOINT``, ``OPENAI_PROXY``...)
is passed explicitly, so the provider's settings alone decide what is sent where.

The openai SDK's clients run on the provider's shared transport (``agentkit.http``): a model for
new parameters costs a few objects, not two TLS contexts and a connection pool. langchain-openai's
own per-chunk timeout (120 s by default) is off: the host's time limits apply to every provider
alike, and a model that thinks for three minutes is within them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from agentkit import ChatParams, nearest_effort
from agentkit_azure_openai.auth import COGNITIVE_SCOPE, EntraTokens
from agentkit_azure_openai.families import is_reasoning, reasoner
from agentkit_azure_openai.settings import AzureOpenAISettings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from agentkit.http import SharedTransport

REASONING_EFFORT_VERSION = "2024-12-01"
"""The classic API takes ``reasoning_effort`` from 2024-12-01-preview on (Azure's API version
lifecycle); with an older ``AZURE_OPENAI_API_VERSION`` it is not sent."""

ENCRYPTED_REASONING = "reasoning.encrypted_content"
"""What the Responses API is asked to ``include`` so that its reasoning items come back encrypted
and can be carried to the next turn without Azure storing anything (``store: false``)."""


def reasoning_request(
    settings: AzureOpenAISettings, model: str | None, effort: str | None
) -> dict[str, Any] | None:
    """What a request to a deployment of ``model`` sends for ``effort``, named as the API in use
    names it: ``{"reasoning_effort": "low"}`` on chat completions, ``{"reasoning": {"effort":
    "low", "summary": "auto"}}`` on the Responses API (summaries whenever the family makes them,
    effort or not). The effort is the nearest the model's family takes; ``None``: nothing is sent
    (not a known reasoning model, a family without efforts, no effort asked on chat completions,
    or a classic API version without ``reasoning_effort``)."""
    family = reasoner(model)
    if family is None:
        return None
    chosen = nearest_effort(effort, family.efforts) if effort and family.efforts else None
    if settings.api == "responses":
        reasoning = {"effort": chosen} if chosen else {}
        if family.summaries:
            reasoning["summary"] = "auto"
        return {"reasoning": reasoning} if reasoning else None
    if chosen is None:
        return None
    if (
        settings.api == "classic"
        and settings.api_version_for(model)[:10] < REASONING_EFFORT_VERSION
    ):
        return None
    return {"reasoning_effort": chosen}


def generation_arguments(model: str | None, params: ChatParams, api: str) -> dict[str, Any]:
    """The request's parameters as LangChain arguments for a deployment of ``model`` (``None``:
    unknown) on ``api``.

    ``temperature`` is always passed, ``None`` when unset, so that langchain-openai adds none of
    its own (it gives model names starting with ``o1`` a temperature of 1). Reasoning models
    reject ``temperature`` and ``top_p``: they get neither, and ``max_tokens`` is renamed by
    langchain-openai (``max_completion_tokens`` on chat completions, ``max_output_tokens`` on the
    Responses API). On chat completions other models get ``max_tokens`` in the body, as the user
    named it: langchain-openai would rename it to ``max_completion_tokens``, which API versions
    before 2024-09-01-preview reject. The Responses API has no ``seed`` and no ``stop``: the
    openai SDK raises ``TypeError`` for the first and langchain-openai drops the second, so
    neither is passed.
    """
    reasoning = is_reasoning(model)
    arguments: dict[str, Any] = {
        "temperature": None if reasoning else params.temperature,
        "top_p": None if reasoning else params.top_p,
    }
    if api == "responses":
        return {**arguments, "max_tokens": params.max_tokens}
    arguments |= {"stop": params.stop, "seed": params.seed}
    if reasoning:
        return {**arguments, "max_tokens": params.max_tokens}
    extra_body = {"max_tokens": params.max_tokens} if params.max_tokens is not None else None
    return {**arguments, "extra_body": extra_body}


def build_chat_model(
    settings: AzureOpenAISettings,
    deployment: str,
    model: str | None,
    params: ChatParams,
    reasoning: dict[str, Any] | None,
    tokens: EntraTokens | None,
    transport: SharedTransport,
) -> BaseChatModel:
    """A streaming chat model for ``deployment`` (serving ``model``, ``None`` when unknown), with
    no SDK retries. ``reasoning`` is what :func:`reasoning_request` said to send."""
    import httpx

    from agentkit import http
    from agentkit_azure_openai.clients import AzureDeploymentChat, AzureResponsesChat, AzureV1Chat

    common: dict[str, Any] = {
        "max_retries": 0,
        "stream_usage": True,
        "stream_chunk_timeout": None,
        "http_async_client": httpx.AsyncClient(transport=transport, timeout=http.timeout()),
        "http_client": httpx.Client(transport=transport, timeout=http.timeout()),
        "openai_proxy": None,
        **generation_arguments(model, params, settings.api),
        **(reasoning or {}),
    }
    if settings.api in ("responses", "v1"):
        responses = settings.api == "responses"
        if responses:  # nothing kept on Azure's side; the reasoning travels encrypted instead
            common["store"] = False
            common["include"] = [ENCRYPTED_REASONING] if is_reasoning(model) else None
        return (AzureResponsesChat if responses else AzureV1Chat)(
            model=deployment,
            base_url=f"{settings.endpoint}/openai/v1/",
            api_key=_v1_api_key(settings, tokens),
            use_responses_api=responses,
            **common,
        )
    if tokens is not None:
        credentials: dict[str, Any] = {
            "api_key": None,
            "azure_ad_token_provider": tokens.provider(COGNITIVE_SCOPE),
            "azure_ad_async_token_provider": tokens.async_provider(COGNITIVE_SCOPE),
        }
    else:
        credentials = {"api_key": settings.api_key}
    return AzureDeploymentChat(
        azure_endpoint=settings.endpoint,
        azure_deployment=quote(deployment, safe=""),  # a path segment: "a/b" must stay one
        api_version=settings.api_version_for(model),
        model=model,
        azure_ad_token=None,
        openai_api_type="azure",
        use_responses_api=False,
        **credentials,
        **common,
    )


def _v1_api_key(settings: AzureOpenAISettings, tokens: EntraTokens | None) -> Any:
    """The v1 APIs' credential: the OpenAI client sends it as ``Authorization: Bearer``, the key
    itself or, with Entra ID, a fresh token from a callable."""
    return tokens.provider(COGNITIVE_SCOPE) if tokens is not None else settings.api_key
