"""Building the LangChain chat model for a deployment, for the classic or the v1 API, with a key or
with Entra ID.

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

from agentkit import ChatParams
from agentkit_azure_openai.auth import COGNITIVE_SCOPE, EntraTokens
from agentkit_azure_openai.families import is_reasoning
from agentkit_azure_openai.settings import AzureOpenAISettings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from agentkit.http import SharedTransport

DEFAULT_TEMPERATURE = 0.7


def generation_arguments(model: str, params: ChatParams) -> dict[str, Any]:
    """The request's parameters as LangChain arguments for a deployment of ``model``.

    Reasoning models reject ``temperature``, ``top_p`` and ``max_tokens``: they get none of the
    first two and ``max_completion_tokens`` (langchain-openai's name for ``max_tokens``). Other
    models get ``temperature`` 0.7 unless asked otherwise, and ``max_tokens`` in the body
    (langchain-openai would rename it to ``max_completion_tokens``, which API versions before
    2024-09-01-preview reject).
    """
    common = {"stop": params.stop, "seed": params.seed}
    if is_reasoning(model):
        return {**common, "temperature": None, "max_tokens": params.max_tokens}
    temperature = DEFAULT_TEMPERATURE if params.temperature is None else params.temperature
    extra_body = {"max_tokens": params.max_tokens} if params.max_tokens is not None else None
    return {**common, "temperature": temperature, "top_p": params.top_p, "extra_body": extra_body}


def build_chat_model(
    settings: AzureOpenAISettings,
    deployment: str,
    model: str,
    params: ChatParams,
    tokens: EntraTokens | None,
    transport: SharedTransport,
) -> BaseChatModel:
    """A streaming chat model for ``deployment`` (serving ``model``), with no SDK retries."""
    import httpx

    from agentkit import http
    from agentkit_azure_openai.clients import AzureDeploymentChat, AzureV1Chat

    common: dict[str, Any] = {
        "max_retries": 0,
        "stream_usage": True,
        "stream_chunk_timeout": None,
        "http_async_client": httpx.AsyncClient(transport=transport, timeout=http.timeout()),
        "http_client": httpx.Client(transport=transport, timeout=http.timeout()),
        "openai_proxy": None,
        "use_responses_api": False,
        **generation_arguments(model, params),
    }
    if settings.api == "v1":
        if tokens is not None:
            api_key: Any = tokens.provider(COGNITIVE_SCOPE)
        else:
            api_key = settings.api_key
        return AzureV1Chat(
            model=deployment,
            base_url=f"{settings.endpoint}/openai/v1/",
            api_key=api_key,
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
        api_version=settings.api_version,
        model=model,
        azure_ad_token=None,
        openai_api_type="azure",
        **credentials,
        **common,
    )
