"""One chat run: stream a model's answer as AG-UI events.

The run emits RUN_STARTED, then text and tool-call events as chunks arrive, then RUN_FINISHED
with token usage; or RUN_ERROR with a stable code, after which nothing follows. Every run ends:
the time limits (``agentkit.limits``) bound a silent upstream, and whatever a plugin raises, even
``CancelledError``, ``KeyboardInterrupt`` or ``SystemExit``, ends the run with a RUN_ERROR instead
of the stream or the process. Errors before the first token that are retryable (429, 5xx, a first
token that never came) are retried here, the one retry loop for every provider.
"""

from __future__ import annotations

import asyncio
import logging
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

from agentkit import watchdog
from agentkit.errors import AgentKitError, ContentFiltered, InvalidRequest, UpstreamError
from agentkit.limits import RetryPolicy, TimeLimits, timed
from agentkit.translation import plugin_fault, translate

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import AIMessageChunk, BaseMessage

    from agentkit.agents import Agent
    from agentkit.chat_models import ChatModels
    from agentkit.provider import ChatParams, Provider

logger = logging.getLogger("agentkit.chat")


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
    limits: TimeLimits = field(default_factory=TimeLimits)
    plugin: str = "?"
    """The distribution that provides the provider, named when its code misbehaves."""
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
    watchdog.working_for(run.provider.id, f"run {run.run_id}")
    translator = EventTranslator()
    try:
        model = await _build_model(run)
        async for event in _relay(run, model, translator):
            yield event
        for event in translator.finish():
            yield event
    except asyncio.CancelledError as exc:
        if asyncio.current_task().cancelling():
            logger.info("run %s cancelled: the client went away", run.run_id)
            raise
        yield _run_error(run, plugin_fault(run.plugin, "a chat stream", exc))
        return
    except (KeyboardInterrupt, SystemExit) as exc:
        yield _run_error(run, plugin_fault(run.plugin, "a chat stream", exc))
        return
    except Exception as exc:
        yield _run_error(run, translate(exc, run.provider, run.plugin))
        return
    yield RunFinishedEvent(
        thread_id=run.thread_id,
        run_id=run.run_id,
        usage=translator.token_usage(run.provider.id, run.model_id),
    )


async def _build_model(run: ChatRun) -> BaseChatModel:
    """The provider's chat model for this run, bound to the client's tools when it sent any."""
    model = await run.models.get(run.provider, run.model_id, run.params)
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
    """Stream the agent's chunks as events, under the time limits, retrying retryable errors
    before the first token."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    run_deadline = started + run.limits.run
    attempt = 0
    while True:
        try:
            chunks = run.agent.astream(model, run.messages)
            async for chunk in timed(chunks, run.limits, run_deadline, run.provider.name):
                check_chunk(run.provider, chunk, run.plugin)
                for event in translator.feed(chunk):
                    yield event
            return
        except Exception as exc:
            error = translate(exc, run.provider, run.plugin)
            attempt += 1
            delay = run.retry.delay(attempt - 1, error)
            elapsed = loop.time() - started + delay
            out_of_time = elapsed > run.retry.deadline or started + elapsed >= run_deadline
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


def check_chunk(provider: Provider, chunk: AIMessageChunk, plugin: str = "?") -> None:
    """The provider's check of a chunk (a check that fails with anything but an
    ``AgentKitError`` is a fault of ``plugin``), then its ``blocked_finish_reasons``."""
    try:
        provider.check_chunk(chunk)
    except AgentKitError:
        raise
    except Exception as exc:
        raise plugin_fault(plugin, "check_chunk", exc) from exc
    reason = chunk.response_metadata.get("finish_reason")
    reason = getattr(reason, "value", reason)
    if reason and str(reason) in provider.blocked_finish_reasons:
        raise ContentFiltered(
            f"{provider.name}'s content filter stopped the answer (finish reason {reason}).",
            hint="Rephrase the request.",
        )


def _run_error(run: ChatRun, error: AgentKitError) -> RunErrorEvent:
    parts = [error.message]
    if error.retry_after is not None:
        parts.append(
            f"{run.provider.name} asked to wait {_seconds(error.retry_after)} before trying again."
        )
    if error.hint:
        parts.append(error.hint)
    message = run.redact(" ".join(parts))
    logger.info("run %s ended with %s: %s", run.run_id, error.code, message)
    return RunErrorEvent(message=message, code=error.code)


def _seconds(value: float) -> str:
    """``value`` seconds for people: "30 s", "1.5 s", "2 min 5 s"."""
    if value >= 120:
        minutes, seconds = divmod(round(value), 60)
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    return f"{value:.3g} s"
