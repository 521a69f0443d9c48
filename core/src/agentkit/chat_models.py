"""Built chat models, reused across runs.

Building a LangChain chat model is not cheap: its SDK clients load the system's CA bundle into
new TLS contexts, about 40 ms of CPU and a few megabytes that every open stream would hold. So the
host builds one model per provider, model id and parameters, and later runs with the same choice
share it (LangChain models are safe to use from concurrent runs).

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
        self._loop: asyncio.AbstractEventLoop | None = None

    def get(self, provider: Provider, model_id: str, params: ChatParams) -> BaseChatModel:
        """The provider's model for ``model_id`` and ``params``, built on first use."""
        if not provider.reuse_chat_models:
            return provider.chat_model(model_id, params)
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._models.clear()
            self._loop = loop
        key = (provider.id, model_id, params.model_dump_json(exclude_none=True))
        model = self._models.get(key)
        if model is None:
            model = provider.chat_model(model_id, params)
            self._models[key] = model
            if len(self._models) > self.size:
                self._models.popitem(last=False)
        else:
            self._models.move_to_end(key)
        return model

    def forget(self, provider_id: str) -> None:
        """Drop every model of ``provider_id``: the next run builds anew."""
        for key in [key for key in self._models if key[0] == provider_id]:
            del self._models[key]
