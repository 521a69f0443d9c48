"""How long a run may take, and how often its start is retried.

Time limits: how long the upstream may take to start answering, how long it may fall silent
mid-answer, and how long a whole run may last.

One mechanism for every provider, third-party ones included: the relay reads the model's stream
through :func:`timed`, which waits for each chunk under whichever limit applies at that moment.
When a limit passes, the read is cancelled, which closes the model's stream and with it the
upstream connection, and :class:`~agentkit.errors.UpstreamTimeout` says which limit passed and
which setting raises it::

    the request to its first chunk of substance   AGENTKIT_FIRST_TOKEN_TIMEOUT   300 s (retryable)
    the silence between two chunks                AGENTKIT_IDLE_TIMEOUT           60 s
    the whole run, retries included               AGENTKIT_RUN_TIMEOUT            1800 s

A chunk of substance carries text, reasoning or a tool call; the empty chunks some services send
first (a role, a filter verdict) do not stop the first-token clock. The limits are measured on the
event loop's clock around each read, so a stall anywhere below (the network, the SDK's parser, the
plugin's own code) is caught alike. Code that blocks the event loop itself cannot be interrupted by
anything in the process; the watchdog reports it instead (see ``agentkit.watchdog``).

Retries (:class:`RetryPolicy`): errors marked retryable (429, 5xx, a first token that never came)
are retried before the first token, with exponential backoff or the server's Retry-After.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agentkit.errors import AgentKitError, UpstreamTimeout

if TYPE_CHECKING:
    from langchain_core.messages import AIMessageChunk

    from agentkit.config import HostConfig


@dataclass(frozen=True)
class TimeLimits:
    """The three limits, in seconds."""

    first_token: float = 300.0
    idle: float = 60.0
    run: float = 1800.0

    @classmethod
    def from_config(cls, config: HostConfig) -> TimeLimits:
        return cls(config.first_token_timeout, config.idle_timeout, config.run_timeout)


@dataclass
class RetryPolicy:
    """Retry retryable errors before the first token: ``attempts`` tries in all, exponential
    backoff from ``backoff`` seconds (or the server's Retry-After), never past ``deadline``."""

    attempts: int = 3
    deadline: float = 5.0
    backoff: float = 0.5

    @classmethod
    def from_config(cls, config: HostConfig) -> RetryPolicy:
        return cls(config.retry_attempts, config.retry_deadline, config.retry_backoff)

    def delay(self, attempt: int, error: AgentKitError) -> float:
        if error.retry_after is not None:
            return error.retry_after
        return self.backoff * (2**attempt) * random.uniform(0.8, 1.2)


_EXPLAINED = {
    "first_token": (
        "{provider} sent no answer within {limit:g} s of the request (the first-token limit, "
        "AGENTKIT_FIRST_TOKEN_TIMEOUT); the request was cancelled.",
        "A model that loads or thinks for longer needs a higher AGENTKIT_FIRST_TOKEN_TIMEOUT.",
    ),
    "idle": (
        "{provider} fell silent for {limit:g} s in the middle of its answer (the idle limit, "
        "AGENTKIT_IDLE_TIMEOUT); the request was cancelled.",
        "Try again; if the model pauses that long on purpose, raise AGENTKIT_IDLE_TIMEOUT.",
    ),
    "run": (
        "The run took longer than {limit:g} s in all (the run limit, AGENTKIT_RUN_TIMEOUT); "
        "the request to {provider} was cancelled.",
        "Ask for a shorter answer (max_tokens), or raise AGENTKIT_RUN_TIMEOUT.",
    ),
}


def expired(limit: str, limits: TimeLimits, provider: str) -> UpstreamTimeout:
    """The error for ``limit`` ("first_token", "idle" or "run") having passed. Only a first-token
    timeout is retryable: nothing has been shown yet, and the next try may be luckier."""
    message, hint = _EXPLAINED[limit]
    seconds = getattr(limits, limit)
    return UpstreamTimeout(
        message.format(provider=provider, limit=seconds),
        hint=hint,
        retryable=limit == "first_token",
    )


async def timed(
    stream: AsyncIterator[AIMessageChunk], limits: TimeLimits, run_deadline: float, provider: str
) -> AsyncIterator[AIMessageChunk]:
    """The chunks of ``stream``, each awaited under the limit in force; ``run_deadline`` is the
    end of the run on the event loop's clock. Raises ``UpstreamTimeout`` when a limit passes and
    always closes ``stream``."""
    loop = asyncio.get_running_loop()
    limit, deadline = "first_token", loop.time() + limits.first_token
    try:
        while True:
            which, until = (limit, deadline) if deadline < run_deadline else ("run", run_deadline)
            try:
                async with asyncio.timeout_at(until) as scope:
                    chunk = await anext(stream)
            except StopAsyncIteration:
                return
            except TimeoutError:
                if scope.expired():
                    raise expired(which, limits, provider) from None
                raise  # the stream's own timeout: the error mapping words it
            if scope.expired():  # the stream swallowed the cancellation and went on
                raise expired(which, limits, provider)
            if limit == "idle" or has_substance(chunk):
                limit, deadline = "idle", loop.time() + limits.idle
            yield chunk
    finally:
        close = getattr(stream, "aclose", None)
        if close is not None:
            await close()


def has_substance(chunk: AIMessageChunk) -> bool:
    """Whether ``chunk`` carries part of an answer: text, reasoning or a tool call."""
    return bool(
        chunk.content or chunk.tool_call_chunks or chunk.additional_kwargs.get("reasoning_content")
    )
