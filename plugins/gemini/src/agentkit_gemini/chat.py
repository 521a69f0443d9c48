"""Building the LangChain chat model for a Gemini model: ``ChatGoogleGenerativeAI``, imported
here and not at plugin import, because importing it takes about a second."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agentkit import ChatParams
from agentkit_gemini.listing import API_VERSION
from agentkit_gemini.settings import GeminiSettings

if TYPE_CHECKING:
    from langchain_google_genai import ChatGoogleGenerativeAI

    from agentkit.http import SharedTransport


def build_chat_model(
    settings: GeminiSettings,
    model: str,
    params: ChatParams,
    transport: SharedTransport,
    thinking: dict[str, Any] | None = None,
) -> ChatGoogleGenerativeAI:
    """A Gemini chat model with the request's parameters and no SDK retries (the host retries).

    Unset parameters are passed as ``None`` so Gemini's own defaults apply (LangChain would
    otherwise send its default temperature of 0.7). ``thinking`` is the ``{"thinkingConfig":
    {...}}`` to send (``agentkit_gemini.reasoning``), given to the integration field by field;
    with ``include_thoughts`` its chunks carry the thoughts as reasoning content blocks.
    google-genai builds its sync and async httpx clients from the one ``client_args``, on the
    provider's shared ``transport`` (which also makes it use httpx when aiohttp is installed, and
    bounds the connect time it leaves unbounded).
    """
    from langchain_google_genai import ChatGoogleGenerativeAI

    from agentkit.http import tls_context  # without one, google-genai loads the CA bundle again

    config = (thinking or {}).get("thinkingConfig", {})
    return ChatGoogleGenerativeAI(
        model=model,
        google_api_key=settings.api_key,
        base_url=settings.base_url,
        api_version=API_VERSION,
        vertexai=False,
        max_retries=0,
        temperature=params.temperature,
        max_output_tokens=params.max_tokens,
        top_p=params.top_p,
        stop=params.stop,
        seed=params.seed,
        include_thoughts=config.get("includeThoughts"),
        thinking_budget=config.get("thinkingBudget"),
        thinking_level=config.get("thinkingLevel"),
        client_args={"transport": transport, "verify": tls_context(), "ssl": tls_context()},
    )
