"""The load generator: one streamed chat, timed, three ways, and a bounded loop running many.

- ``host_chat``: an AG-UI run through the host (HTTP client -> host -> upstream). First token is
  the first ``TEXT_MESSAGE_CONTENT`` event, last token is ``RUN_FINISHED``.
- ``direct_chat``: the provider's own LangChain model streaming in this process from the same
  upstream, built once by ``provider.chat_model`` as the host builds and reuses it.
- ``upstream_chat``: the raw HTTP stream from the upstream, with no LangChain: the upstream's own
  cost, to show it is not the bottleneck.

Every timing starts before the request is sent. The loop is bounded by a count and a deadline.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.setup import PROMPT, Target


@dataclass
class Sample:
    ttft: float | None = None
    ttlt: float | None = None
    tokens: int = 0
    error: str | None = None


@dataclass
class LoadResult:
    samples: list[Sample] = field(default_factory=list)
    wall: float = 0.0

    @property
    def ok(self) -> list[Sample]:
        return [s for s in self.samples if s.error is None and s.ttlt is not None]

    @property
    def errors(self) -> list[str]:
        return [s.error for s in self.samples if s.error is not None]


ChatFn = Callable[[], Awaitable[Sample]]


async def run_load(chat: ChatFn, *, concurrency: int, total: int, time_limit: float) -> LoadResult:
    """Run ``total`` chats with ``concurrency`` at a time, stopping early at ``time_limit``."""
    result = LoadResult()
    remaining = total
    deadline = time.perf_counter() + time_limit

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0 and time.perf_counter() < deadline:
            remaining -= 1
            try:
                sample = await asyncio.wait_for(chat(), timeout=max(1.0, time_limit))
            except Exception as exc:
                sample = Sample(error=f"{type(exc).__name__}: {exc}"[:200])
            result.samples.append(sample)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.wall = time.perf_counter() - started
    return result


def run_input(target: Target) -> dict[str, Any]:
    return {
        "threadId": "bench",
        "runId": uuid.uuid4().hex,
        "state": {},
        "messages": [{"id": "m1", "role": "user", "content": PROMPT}],
        "tools": [],
        "context": [],
        "forwardedProps": {"provider": target.provider, "model": target.model},
    }


async def host_chat(client: httpx.AsyncClient, base: str, target: Target) -> Sample:
    """One AG-UI run through the host, parsed as SSE events arrive."""
    sample = Sample()
    started = time.perf_counter()
    async with client.stream("POST", f"{base}/chat/chat", json=run_input(target)) as response:
        if response.status_code != 200:
            await response.aread()
            return Sample(error=f"HTTP {response.status_code}: {response.text[:150]}")
        async for line in response.aiter_lines():
            if not line.startswith("data:"):
                continue
            if '"TEXT_MESSAGE_CONTENT"' in line:
                if sample.ttft is None:
                    sample.ttft = time.perf_counter() - started
                sample.tokens += 1
            elif '"RUN_FINISHED"' in line:
                sample.ttlt = time.perf_counter() - started
            elif '"RUN_ERROR"' in line:
                sample.error = line[:200]
    return sample


async def direct_chat(model: Any) -> Sample:
    """The provider's LangChain model (built once, as the host reuses it) streaming in this
    process from the same upstream: the call the host relays, without the host."""
    from langchain_core.messages import HumanMessage

    sample = Sample()
    started = time.perf_counter()
    async for chunk in model.astream([HumanMessage(PROMPT)]):
        if chunk.text:
            if sample.ttft is None:
                sample.ttft = time.perf_counter() - started
            sample.tokens += 1
    sample.ttlt = time.perf_counter() - started
    return sample


async def upstream_chat(client: httpx.AsyncClient, base: str, target: Target) -> Sample:
    """The upstream's raw stream: no LangChain, no host. Tokens are lines carrying a word."""
    request = target.raw_request(base)
    sample = Sample()
    started = time.perf_counter()
    async with client.stream(**request) as response:
        if response.status_code != 200:
            await response.aread()
            return Sample(error=f"HTTP {response.status_code}: {response.text[:150]}")
        async for line in response.aiter_lines():
            if '"w' in line:
                if sample.ttft is None:
                    sample.ttft = time.perf_counter() - started
                sample.tokens += 1
    sample.ttlt = time.perf_counter() - started
    return sample


def new_client(connections: int = 256) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(60.0, connect=5.0))


async def set_knobs(base: str, **knobs: float) -> None:
    """Set the upstream's reply length and delays (``bench.upstream``'s ``/_bench``)."""
    async with httpx.AsyncClient(timeout=5.0) as client:
        (await client.post(f"{base}/_bench", json=knobs)).raise_for_status()
