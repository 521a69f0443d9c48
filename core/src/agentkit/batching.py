"""Sending a stream's events in as few writes as they allow.

Each write to the client costs a trip through the ASGI middleware, the HTTP server's framing and a
system call: more than building and encoding the event itself. When the upstream answers faster
than the host relays (a burst of chunks, or a busy host), the events waiting to be sent go out
together; when it is slower, each event goes out alone as soon as it exists. Nothing waits for a
batch to fill.

While the producer is silent (a model thinking for minutes), an empty batch every ``idle`` seconds
lets the sender write a keep-alive, so proxies and browsers do not drop the quiet stream.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TypeVar

T = TypeVar("T")

QUEUE_SIZE = 256
"""Items produced ahead of the client: beyond this, the producer waits (back-pressure)."""

_END = object()


async def batched(items: AsyncIterator[T], *, idle: float = 0) -> AsyncIterator[list[T]]:
    """``items`` in lists of all that was produced while the previous list was being sent, and an
    empty list whenever nothing was produced for ``idle`` seconds (0: never).

    ``items`` runs in a task of its own (with this context, so log records keep their request
    id); when the consumer stops early or is cancelled, that task is cancelled too.
    """
    queue: asyncio.Queue[object] = asyncio.Queue(QUEUE_SIZE)

    async def produce() -> None:
        try:
            async for item in items:
                await queue.put(item)
        except asyncio.CancelledError:
            raise  # the consumer has gone: nobody waits for the end
        except BaseException:
            await queue.put(_END)
            raise
        await queue.put(_END)

    producer = asyncio.create_task(produce())
    try:
        while True:
            if idle and queue.empty():
                try:
                    async with asyncio.timeout(idle):
                        first = await queue.get()
                except TimeoutError:
                    yield []
                    continue
            else:
                first = await queue.get()
            batch = [first]
            while not queue.empty():
                batch.append(queue.get_nowait())
            done = batch[-1] is _END
            if done:
                batch.pop()
            if batch:
                yield batch  # type: ignore[misc]
            if done:
                break
        await producer  # re-raises what ended the stream early, if anything did
    finally:
        producer.cancel()
