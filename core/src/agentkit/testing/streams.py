"""A provider's answer and model list as the host would take them, without the host: for a
plugin's own tests of its chat model and lister against its upstream."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from agentkit.chat import check_chunk
from agentkit.provider import ChatParams, Model, Provider
from agentkit.translation import translate

if TYPE_CHECKING:
    from langchain_core.messages import AIMessageChunk


async def answer(
    provider: Provider,
    model: str,
    prompt: str = "Say something.",
    *,
    params: ChatParams | None = None,
    tools: list[dict[str, Any]] | None = None,
) -> list[AIMessageChunk]:
    """Stream one answer from ``provider``'s chat model for ``model``, as the host does: build
    the model, bind ``tools``, check each chunk, and raise any failure as the ``AgentKitError``
    a user would see (the provider's ``translate_error``, then the host's generic mapping)."""
    chat_model = provider.chat_model(model, params or ChatParams())
    if tools:
        chat_model = chat_model.bind_tools(tools)
    chunks = []
    try:
        async for chunk in chat_model.astream(prompt):
            check_chunk(provider, chunk, type(provider).__module__)
            chunks.append(chunk)
    except Exception as exc:
        error = translate(exc, provider, type(provider).__module__)
        if error is exc:
            raise
        raise error from exc
    return chunks


def stream_answer(provider: Provider, model: str, prompt: str = "Say something.", **kw: Any):
    """:func:`answer` in a fresh event loop; returns the chunks."""
    return asyncio.run(answer(provider, model, prompt, **kw))


def list_models(provider: Provider) -> list[Model]:
    """``provider.list_models()`` in a fresh event loop, raising a failure as the
    ``AgentKitError`` the host would show for it."""

    async def listing() -> list[Model]:
        try:
            return await provider.list_models()
        except Exception as exc:
            error = translate(exc, provider, type(provider).__module__, listing=True)
            if error is exc:
                raise
            raise error from exc

    return asyncio.run(listing())
