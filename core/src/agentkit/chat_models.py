"""Built chat models, reused across runs.

Building a LangChain chat model is not free: even with the TLS context and connection pool shared
(``agentkit.http``) it costs a few milliseconds, and the first build imports the provider's SDK
(about a second). So the host builds one model per provider, model id and parameters, in a worker
thread so that no build freezes the event loop, and later runs with the same choice share it
(LangChain models are safe to use from concurrent runs).

Two things end a model's reuse:

- its event loop: SDK clients are bound to the loop that first used them, so models built under
  another loop are dropped (a server has one loop; tests and embedders may run several);
- a new listing of its provider, since listing can change what the builder makes (Azure OpenAI
  learns the model behind a deployment, and with it which parameters the deployment accepts).

A provider whose builder depends on anything else sets ``reuse_chat_models = False``.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from agentkit.provider import ChatParams, Provider

DEFAULT_SIZE = 32


class ChatModels:
    """The most recently used chat models, at most ``size`` of them across all providers (the
    parameters come from clients, so the number of distinct models must be bounded)."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._models: OrderedDict[tuple[str, str, str], BaseChatModel] = OrderedDict()
        self._building: dict[tuple[str, str, str], asyncio.Future[BaseChatModel]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    async def get(self, provider: Provider, model_id: str, params: ChatParams) -> BaseChatModel:
        """The provider's model for ``model_id`` and ``params``, built on first use; concurrent
        first uses share one build."""
        from agentkit import http  # imports httpx: not at start-up

        if not provider.reuse_chat_models:
            return await http.to_thread(provider.chat_model, model_id, params)
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._models.clear()
            self._building.clear()
            self._loop = loop
        key = (provider.id, model_id, params.model_dump_json(exclude_none=True))
        model = self._models.get(key)
        if model is not None:
            self._models.move_to_end(key)
            return model
        building = self._building.get(key)
        if building is None:
            building = asyncio.ensure_future(http.to_thread(provider.chat_model, model_id, params))
            self._building[key] = building
            building.add_done_callback(lambda done: self._built(key, done))
        return await asyncio.shield(building)

    def _built(self, key: tuple[str, str, str], done: asyncio.Future[BaseChatModel]) -> None:
        if self._building.get(key) is not done:
            return  # forgotten while it was being built
        del self._building[key]
        if done.cancelled() or done.exception() is not None:
            return
        self._models[key] = done.result()
        if len(self._models) > self.size:
            self._models.popitem(last=False)

    def forget(self, provider_id: str) -> None:
        """Drop every model of ``provider_id``: the next run builds anew."""
        for key in [key for key in self._models if key[0] == provider_id]:
            del self._models[key]
        for key in [key for key in self._building if key[0] == provider_id]:
            del self._building[key]
