"""A provider whose code misbehaves on demand: ``unruly.behaviour`` names what it does wrong.

listing:  "none", "strings", "dicts", "not_json", "cancelled", "keyboard", "system_exit", "sleep"
stream:   "cancelled", "keyboard", "system_exit", "sleep", "unknown_error"
also:     "translate_error_raises", "check_chunk_raises"
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGenerationChunk

import agentkit

behaviour: set[str] = set()

ANSWER = "All is well."


class UnrulyChatModel(GenericFakeChatModel):
    async def _astream(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any
    ) -> AsyncIterator[ChatGenerationChunk]:
        self.messages = iter([AIMessage(ANSWER)])
        for index, chunk in enumerate(self._stream(messages)):
            if index == 1:
                if "cancelled" in behaviour:
                    raise asyncio.CancelledError()
                if "keyboard" in behaviour:
                    raise KeyboardInterrupt
                if "system_exit" in behaviour:
                    raise SystemExit(0)
                if "unknown_error" in behaviour:
                    raise RuntimeError("something odd")
                if "sleep" in behaviour:
                    time.sleep(1.5)  # blocks the event loop: the bug the watchdog reports
            yield chunk


class UnrulyProvider(agentkit.Provider):
    id = "unruly"
    name = "Unruly"

    @property
    def default_model(self) -> str:
        return "unruly-1"

    async def list_models(self) -> Any:
        await asyncio.sleep(0)
        if "none" in behaviour:
            return None
        if "strings" in behaviour:
            return ["unruly-1", "unruly-2"]
        if "dicts" in behaviour:
            return [{"id": "unruly-1"}]
        if "not_json" in behaviour:
            return [agentkit.Model("unruly-1", details={"since": datetime(2026, 1, 1)})]
        if "cancelled" in behaviour:
            raise asyncio.CancelledError()
        if "keyboard" in behaviour:
            raise KeyboardInterrupt
        if "system_exit" in behaviour:
            raise SystemExit(3)
        if "sleep" in behaviour:
            time.sleep(1.5)  # blocks the event loop
        return [agentkit.Model("unruly-1")]

    def chat_model(self, model: str, params: agentkit.ChatParams) -> UnrulyChatModel:
        return UnrulyChatModel(messages=iter([]))

    def translate_error(self, exc: BaseException) -> agentkit.AgentKitError | None:
        if "translate_error_raises" in behaviour:
            raise ValueError("translate_error has a bug")
        return None

    def check_chunk(self, chunk: Any) -> None:
        if "check_chunk_raises" in behaviour and chunk.content:
            raise KeyError("check_chunk has a bug")


@agentkit.hookimpl
def register_providers(register):
    register(UnrulyProvider)
