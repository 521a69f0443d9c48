"""A scripted provider for AgentKit's tests, built on LangChain's fake chat models.

Tests set ``agentkit_fake.script`` (a :class:`Script`) to decide what listing returns and what each
model call streams, raises or waits for. Installed as a real distribution, it is discovered through
the ``agentkit`` entry-point group like any plugin.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk
from pydantic import Field, SecretStr

import agentkit
from agentkit import ChatParams, Model, Provider, ProviderSettings


@dataclass
class Script:
    """What the fake provider does. Each model call takes the next entry of ``replies``: an
    ``AIMessage`` to stream (split on whitespace), a list of chunks, or an exception to raise
    before the first token. When ``replies`` runs out, the model echoes the last message."""

    replies: list[Any] = field(default_factory=list)
    models: list[Model] = field(default_factory=lambda: [Model("echo", size="1 KB"), Model("big")])
    list_delay: float = 0.0
    list_error: BaseException | None = None
    chunk_delay: float = 0.0
    fail_after: tuple[int, BaseException] | None = None
    stall_after: int | None = None
    """Chunks a stream sends before it falls silent for good."""
    reasoning: Any = None
    """What ``reasoning()`` returns for an effort (a function of the effort), or an exception it
    raises."""
    opaque: Any = None
    """What ``opaque_reasoning()`` returns for the whole answer (a function of the message), or
    an exception it raises."""
    restored: list[tuple[AIMessage, Any]] = field(default_factory=list)
    """Each ``restore_reasoning()`` call: the message and the values it was given."""
    restore_error: BaseException | None = None
    list_calls: int = 0
    builds: int = 0
    calls: list[dict[str, Any]] = field(default_factory=list)
    cancelled: int = 0


script = Script()


class FakeSettings(ProviderSettings):
    api_key: SecretStr = Field(validation_alias="FAKE_API_KEY")
    model: str = Field("echo", validation_alias="FAKE_MODEL")
    region: int = Field(1, ge=1, validation_alias="FAKE_REGION")


class ScriptedChatModel(GenericFakeChatModel):
    """GenericFakeChatModel streaming asynchronously, with delays, failures and tool binding."""

    params: dict[str, Any] = Field(default_factory=dict)
    tools: list[dict[str, Any]] = Field(default_factory=list)

    def bind_tools(self, tools: list[dict[str, Any]], **kwargs: Any) -> ScriptedChatModel:
        return self.model_copy(update={"tools": tools})

    async def _astream(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> AsyncIterator[ChatGenerationChunk]:
        script.calls.append({"messages": messages, "params": self.params, "tools": self.tools})
        reply = script.replies.pop(0) if script.replies else AIMessage(_echo(messages))
        if isinstance(reply, BaseException):
            raise reply
        chunks = reply if isinstance(reply, list) else None
        try:
            if chunks is None:
                self.messages = iter([reply])
                chunks = [c.message for c in self._stream(messages)]
            for index, chunk in enumerate(chunks):
                if script.fail_after and index == script.fail_after[0]:
                    raise script.fail_after[1]
                if script.stall_after is not None and index >= script.stall_after:
                    await asyncio.Event().wait()
                if script.chunk_delay:
                    await asyncio.sleep(script.chunk_delay)
                yield ChatGenerationChunk(message=chunk)
        except asyncio.CancelledError:
            script.cancelled += 1
            raise


def _echo(messages: list[BaseMessage]) -> str:
    return f"echo: {messages[-1].text}"


class FakeProvider(Provider):
    id = "fake"
    name = "Fake"
    Settings = FakeSettings

    @property
    def default_model(self) -> str | None:
        return self.settings.model

    async def list_models(self) -> list[Model]:
        script.list_calls += 1
        if script.list_delay:
            await asyncio.sleep(script.list_delay)
        if script.list_error is not None:
            raise script.list_error
        return list(script.models)

    def chat_model(self, model: str, params: ChatParams) -> ScriptedChatModel:
        if model not in {m.id for m in script.models}:
            raise agentkit.ModelNotFound(f"The fake provider has no model {model!r}.")
        script.builds += 1
        return ScriptedChatModel(messages=iter([]), params=params.model_dump(exclude_none=True))

    def reasoning(self, model: str, effort: str | None) -> dict[str, Any] | None:
        if isinstance(script.reasoning, BaseException):
            raise script.reasoning
        return script.reasoning(effort) if script.reasoning else None

    def opaque_reasoning(self, message: AIMessage) -> agentkit.OpaqueReasoning | None:
        if isinstance(script.opaque, BaseException):
            raise script.opaque
        return script.opaque(message) if script.opaque else None

    def restore_reasoning(
        self, model: str, message: AIMessage, opaque: agentkit.OpaqueReasoning
    ) -> AIMessage:
        script.restored.append((message, opaque))
        if script.restore_error is not None:
            raise script.restore_error
        return message.model_copy(update={"additional_kwargs": {"restored": opaque.message}})


def usage_chunk(input_tokens: int, output_tokens: int) -> AIMessageChunk:
    """A final chunk carrying only token usage, as OpenAI-style streams end."""
    return AIMessageChunk(
        content="",
        usage_metadata={
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
        },
    )


@agentkit.hookimpl
def register_providers(register):
    register(FakeProvider)
