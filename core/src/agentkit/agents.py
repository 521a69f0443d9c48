"""Agents: what runs between a chat request and the model.

An agent receives the conversation as LangChain messages and a chat model already bound to the
client's tools, and yields the answer's chunks. The core ships one agent, ``chat``: a configurable
system prompt around the conversation. Plugins add others with the ``register_agents`` hook.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import AIMessageChunk, BaseMessage


class Agent:
    """Base class for an agent. Override ``astream`` to do more than call the model once."""

    id: str
    name: str
    description: str = ""

    def astream(
        self, model: BaseChatModel, messages: list[BaseMessage]
    ) -> AsyncIterator[AIMessageChunk]:
        """Stream the answer to ``messages``. The default streams the model's reply as is."""
        return model.astream(messages)

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "description": self.description}


class ChatAgent(Agent):
    """The default agent: the conversation, led by a system prompt when one is configured."""

    id = "chat"
    name = "Chat"
    description = "Talk with the selected model."

    def __init__(self, system_prompt: str = "") -> None:
        self.system_prompt = system_prompt

    def astream(
        self, model: BaseChatModel, messages: list[BaseMessage]
    ) -> AsyncIterator[AIMessageChunk]:
        if self.system_prompt:
            from langchain_core.messages import SystemMessage

            messages = [SystemMessage(self.system_prompt), *messages]
        return model.astream(messages)
