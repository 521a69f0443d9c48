"""One chat run: stream a model's answer as AG-UI events.

The run emits RUN_STARTED, then text and tool-call events as chunks arrive, then RUN_FINISHED
with token usage; or RUN_ERROR with a stable code, after which nothing follows. Errors before the
first token that are retryable (429, 5xx) are retried here, the one retry loop for every provider.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ag_ui.core import (
    BaseEvent,
    RunErrorEvent,
    RunFinishedEvent,
    RunStartedEvent,
    TextMessageContentEvent,
    TextMessageEndEvent,
    TextMessageStartEvent,
    TokenUsage,
    ToolCallArgsEvent,
    ToolCallEndEvent,
    ToolCallStartEvent,
)

from agentkit.errors import AgentKitError, InvalidRequest, UpstreamError, translate_common

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import AIMessageChunk, BaseMessage

    from agentkit.agents import Agent
    from agentkit.chat_models import ChatModels
    from agentkit.provider import ChatParams, Provider

logger = logging.getLogger("agentkit.chat")


@dataclass
class RetryPolicy:
    """Retry retryable errors before the first token: ``attempts`` tries in all, exponential
    backoff from ``backoff`` seconds (or the server's Retry-After), never past ``deadline``."""

    attempts: int = 3
    deadline: float = 5.0
    backoff: float = 0.5

    def delay(self, attempt: int, error: AgentKitError) -> float:
        if error.retry_after is not None:
            return error.retry_after
        return self.backoff * (2**attempt) * random.uniform(0.8, 1.2)


@dataclass
class ChatRun:
    """Everything one run needs, resolved and validated before the stream starts."""

    thread_id: str
    run_id: str
    agent: Agent
    provider: Provider
    model_id: str
    params: ChatParams
    tools: list[dict[str, Any]]
    messages: list[BaseMessage]
    retry: RetryPolicy
    models: ChatModels
    redact: Any = field(default=lambda text: text)


class EventTranslator:
    """Turns LangChain message chunks into AG-UI events, keeping message and tool-call state so
    the events always satisfy AG-UI's ordering rules."""

    def __init__(self) -> None:
        self.message_id: str | None = None
        self.open_tool: str | None = None
        self.tool_ids: dict[Any, str] = {}
        self.text_seen = False
        self.usage: dict[str, int] = {}
        self.finish_reason: str | None = None

    @property
    def emitted(self) -> bool:
        return self.text_seen or bool(self.tool_ids)

    def feed(self, chunk: AIMessageChunk) -> list[BaseEvent]:
        events: list[BaseEvent] = []
        text = chunk.text
        if text:
            events += self._close_tool()
            if self.message_id is None:
                self.message_id = uuid.uuid4().hex
                events.append(TextMessageStartEvent(message_id=self.message_id, role="assistant"))
            events.append(TextMessageContentEvent(message_id=self.message_id, delta=text))
            self.text_seen = True
        for call in chunk.tool_call_chunks:
            events += self._tool_chunk(call)
        for key, value in (chunk.usage_metadata or {}).items():
            if isinstance(value, int):
                self.usage[key] = self.usage.get(key, 0) + value
        reason = chunk.response_metadata.get("finish_reason") or chunk.response_metadata.get(
            "done_reason"
        )
        if reason:
            self.finish_reason = str(reason)
        return events

    def _tool_chunk(self, call: dict[str, Any]) -> list[BaseEvent]:
        events: list[BaseEvent] = []
        key = call.get("index")
        if key is None:
            key = call.get("id") or len(self.tool_ids)
        if key not in self.tool_ids:
            events += self._close_text() + self._close_tool()
            tool_id = call.get("id") or f"call_{uuid.uuid4().hex[:12]}"
            self.tool_ids[key] = tool_id
            self.open_tool = tool_id
            events.append(
                ToolCallStartEvent(tool_call_id=tool_id, tool_call_name=call.get("name") or "")
            )
        tool_id = self.tool_ids[key]
        if call.get("args") and tool_id == self.open_tool:
            events.append(ToolCallArgsEvent(tool_call_id=tool_id, delta=call["args"]))
        return events

    def _close_text(self) -> list[BaseEvent]:
        if self.message_id is None:
            return []
        message_id, self.message_id = self.message_id, None
        return [TextMessageEndEvent(message_id=message_id)]

    def _close_tool(self) -> list[BaseEvent]:
        if self.open_tool is None:
            return []
        tool_id, self.open_tool = self.open_tool, None
        return [ToolCallEndEvent(tool_call_id=tool_id)]

    def finish(self) -> list[BaseEvent]:
        """Close whatever is open. Raises when the model produced nothing at all."""
        if not self.emitted:
            reason = f" (finish reason: {self.finish_reason})" if self.finish_reason else ""
            raise UpstreamError(f"The model returned an empty answer{reason}.", retryable=False)
        return self._close_text() + self._close_tool()

    def token_usage(self, provider_id: str, model_id: str) -> list[TokenUsage] | None:
        if not self.usage:
            return None
        return [
            TokenUsage(
                provider=provider_id,
                model=model_id,
                input_tokens=self.usage.get("input_tokens"),
                output_tokens=self.usage.get("output_tokens"),
                total_tokens=self.usage.get("total_tokens"),
            )
        ]


async def stream_events(run: ChatRun) -> AsyncIterator[BaseEvent]:
    """The run's AG-UI events, from RUN_STARTED to RUN_FINISHED or RUN_ERROR."""
    yield RunStartedEvent(
        thread_id=run.thread_id,
        run_id=run.run_id,
        metadata={"provider": run.provider.id, "model": run.model_id, "agent": run.agent.id},
    )
    translator = EventTranslator()
    try:
        model = _build_model(run)
        async for event in _relay(run, model, translator):
            yield event
        for event in translator.finish():
            yield event
    except asyncio.CancelledError:
        logger.info("run %s cancelled: the client went away", run.run_id)
        raise
    except Exception as exc:
        yield _run_error(run, _as_agentkit_error(run, exc))
        return
    yield RunFinishedEvent(
        thread_id=run.thread_id,
        run_id=run.run_id,
        usage=translator.token_usage(run.provider.id, run.model_id),
    )


def _build_model(run: ChatRun) -> BaseChatModel:
    """The provider's chat model for this run, bound to the client's tools when it sent any."""
    model = run.models.get(run.provider, run.model_id, run.params)
    if not run.tools:
        return model
    try:
        return model.bind_tools(run.tools)
    except NotImplementedError:
        raise InvalidRequest(
            f"{run.provider.name} cannot offer tools to {run.model_id}.", retryable=False
        ) from None


async def _relay(
    run: ChatRun, model: BaseChatModel, translator: EventTranslator
) -> AsyncIterator[BaseEvent]:
    """Stream the agent's chunks as events, retrying retryable errors before the first token."""
    started = time.monotonic()
    attempt = 0
    while True:
        try:
            async for chunk in run.agent.astream(model, run.messages):
                run.provider.check_chunk(chunk)
                for event in translator.feed(chunk):
                    yield event
            return
        except Exception as exc:
            error = _as_agentkit_error(run, exc)
            attempt += 1
            delay = run.retry.delay(attempt - 1, error)
            out_of_time = time.monotonic() - started + delay > run.retry.deadline
            give_up = translator.emitted or not error.retryable or attempt >= run.retry.attempts
            if give_up or out_of_time:
                raise error from (None if error is exc else exc)
            logger.info(
                "run %s: %s (attempt %d), retrying in %.2f s",
                run.run_id,
                error.code,
                attempt,
                delay,
            )
            await asyncio.sleep(delay)


def _as_agentkit_error(run: ChatRun, exc: Exception) -> AgentKitError:
    """The provider's translation of ``exc``, else the generic one, else ``internal_error``
    (logged, since only the host's log can explain it)."""
    if isinstance(exc, AgentKitError):
        return exc
    error = run.provider.translate_error(exc) or translate_common(exc)
    if error is None:
        logger.error("run %s failed: %s", run.run_id, run.redact(repr(exc)), exc_info=exc)
        error = AgentKitError("The run failed unexpectedly; see the host's log for details.")
    return error


def _run_error(run: ChatRun, error: AgentKitError) -> RunErrorEvent:
    message = run.redact(error.message)
    if error.hint:
        message = f"{message} {run.redact(error.hint)}"
    logger.info("run %s ended with %s: %s", run.run_id, error.code, message)
    return RunErrorEvent(message=message, code=error.code)
