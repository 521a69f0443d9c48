"""One chat run: stream a model's answer as AG-UI events.

The run emits RUN_STARTED (its metadata says what reasoning effort was sent), then reasoning,
text and tool-call events as chunks arrive (``agentkit.events``), the answer's opaque reasoning
(``agentkit.reasoning``), then RUN_FINISHED with token usage; or RUN_ERROR with a stable code,
after which nothing follows. Every run ends: the time limits (``agentkit.limits``) bound a silent
upstream, and whatever a plugin raises, even ``CancelledError``, ``KeyboardInterrupt`` or
``SystemExit``, ends the run with a RUN_ERROR instead of the stream or the process. Errors before
the first token that are retryable (429, 5xx, a first token that never came) are retried here,
the one retry loop for every provider.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from ag_ui.core import (
    PROTOCOL_VERSION,
    BaseEvent,
    RunErrorEvent,
    RunFinishedEvent,
    RunFinishedSuccessOutcome,
    RunStartedEvent,
)

from agentkit import reasoning, watchdog
from agentkit.errors import AgentKitError, ContentFiltered, InvalidRequest
from agentkit.events import EventTranslator, finish_reason
from agentkit.limits import RetryPolicy, TimeLimits, timed
from agentkit.provider import Provider
from agentkit.translation import plugin_fault, translate

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import AIMessageChunk, BaseMessage

    from agentkit.agents import Agent
    from agentkit.chat_models import ChatModels
    from agentkit.provider import ChatParams
    from agentkit.reasoning import OpaqueReasoning

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
    opaque: list[OpaqueReasoning] = field(default_factory=list)
    """The opaque reasoning each past answer carries back for this provider, in order."""
    dropped: dict[str, str] = field(default_factory=dict)
    """What the request set that the model does not take, and why (``profiles.not_taken``):
    left out of the call, and named in RUN_STARTED's metadata."""


async def stream_events(run: ChatRun) -> AsyncIterator[BaseEvent]:
    """The run's AG-UI events, from RUN_STARTED to RUN_FINISHED or RUN_ERROR."""
    metadata: dict[str, Any] = {
        "provider": run.provider.id,
        "model": run.model_id,
        "agent": run.agent.id,
    }
    try:
        sent = run.provider.reasoning(run.model_id, run.params.reasoning_effort)
    except Exception as exc:
        sent, fault = None, plugin_fault(run.plugin, "reasoning", exc)
    else:
        fault = None
    if sent is not None or run.params.reasoning_effort is not None:
        metadata["reasoning"] = {"effort": run.params.reasoning_effort, "sent": sent}
    if run.dropped:
        metadata["dropped"] = dict(run.dropped)
    yield RunStartedEvent(
        thread_id=run.thread_id,
        run_id=run.run_id,
        protocol_version=PROTOCOL_VERSION,
        metadata=metadata,
    )
    if fault is not None:
        yield _run_error(run, fault)
        return
    watchdog.working_for(run.provider.id, f"run {run.run_id}")
    keep = type(run.provider).opaque_reasoning is not Provider.opaque_reasoning
    translator = EventTranslator(keep=keep)
    try:
        messages = reasoning.restore(
            run.provider, run.model_id, run.messages, run.opaque, run.plugin
        )
        model = await _build_model(run)
        async for event in _relay(run, model, messages, translator):
            yield event
        for event in translator.finish():
            yield event
        if keep and translator.message is not None:
            opaque = _opaque_of(run, translator)
            if opaque:
                seal = partial(reasoning.seal, run.provider.id)
                for event in translator.sealed(opaque, seal):
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
        outcome=RunFinishedSuccessOutcome(type="success"),
        usage=translator.token_usage(run.provider.id, run.model_id),
    )


def _opaque_of(run: ChatRun, translator: EventTranslator) -> OpaqueReasoning | None:
    """The provider's opaque reasoning of the answer; a hook that fails loses it (the answer
    stands, the next turn goes without it) rather than the run."""
    try:
        return run.provider.opaque_reasoning(translator.message)
    except Exception:
        logger.warning(
            "run %s: the plugin %s failed to read the answer's opaque reasoning",
            run.run_id,
            run.plugin,
            exc_info=True,
        )
        return None


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
    run: ChatRun, model: BaseChatModel, messages: list[BaseMessage], translator: EventTranslator
) -> AsyncIterator[BaseEvent]:
    """Stream the agent's chunks as events, under the time limits, retrying retryable errors
    before the first token."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    run_deadline = started + run.limits.run
    attempt = 0
    while True:
        try:
            chunks = run.agent.astream(model, messages)
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
    reason = finish_reason(chunk.response_metadata)
    if reason in provider.blocked_finish_reasons:
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
