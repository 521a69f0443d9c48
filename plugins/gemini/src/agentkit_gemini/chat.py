"""Building the LangChain chat model for a Gemini model: ``ChatGoogleGenerativeAI``, imported
here and not at plugin import, because importing it takes about a second."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agentkit import ChatParams
from agentkit_gemini.listing import API_VERSION
from agentkit_gemini.settings import GeminiSettings

# The host shares one model, and so one connection pool, between concurrent runs: httpx's default
# cap of 100 connections would make the 101st run wait, with no timeout, for another to end.
IDLE_CONNECTIONS_KEPT = 20

if TYPE_CHECKING:
    from langchain_google_genai import ChatGoogleGenerativeAI


def build_chat_model(
    settings: GeminiSettings, model: str, params: ChatParams
) -> ChatGoogleGenerativeAI:
    """A Gemini chat model with the request's parameters and no SDK retries (the host retries).

    Unset parameters are passed as ``None`` so Gemini's own defaults apply (LangChain would
    otherwise send its default temperature of 0.7).
    """
    import httpx
    from langchain_google_genai import ChatGoogleGenerativeAI

    limits = httpx.Limits(max_connections=None, max_keepalive_connections=IDLE_CONNECTIONS_KEPT)

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
        client_args={"limits": limits},
    )
