"""Events leave in as few writes as they allow, and never wait for company."""

from __future__ import annotations

import asyncio
import time

import pytest

from agentkit.batching import QUEUE_SIZE, batched


async def _collect(items) -> list[list[int]]:
    return [batch async for batch in batched(items)]


def test_a_burst_goes_out_together():
    async def burst():
        for i in range(5):
            yield i

    assert asyncio.run(_collect(burst())) == [[0, 1, 2, 3, 4]]


def test_a_slow_stream_goes_out_item_by_item_as_each_arrives():
    arrivals: list[float] = []

    async def slow():
        for i in range(3):
            await asyncio.sleep(0.05)
            yield i

    async def run() -> list[list[int]]:
        started = time.monotonic()
        batches = []
        async for batch in batched(slow()):
            arrivals.append(time.monotonic() - started)
            batches.append(batch)
        return batches

    assert asyncio.run(run()) == [[0], [1], [2]]
    assert arrivals[0] < 0.1  # the first item did not wait for the others


def test_an_error_in_the_stream_reaches_the_consumer_after_what_came_before():
    async def failing():
        yield 1
        raise ValueError("upstream broke")

    async def run() -> list[list[int]]:
        seen = []
        with pytest.raises(ValueError, match="upstream broke"):
            async for batch in batched(failing()):
                seen.append(batch)
        return seen

    assert asyncio.run(run()) == [[1]]


def test_a_consumer_that_stops_cancels_the_stream():
    state = {"cancelled": False}

    async def endless():
        try:
            i = 0
            while True:
                await asyncio.sleep(0.01)
                yield i
                i += 1
        except asyncio.CancelledError:
            state["cancelled"] = True
            raise

    async def run() -> None:
        stream = batched(endless())
        await anext(stream)
        await stream.aclose()
        await asyncio.sleep(0.05)

    asyncio.run(run())
    assert state["cancelled"]


def test_a_stream_far_ahead_of_its_consumer_waits_for_it():
    produced = []

    async def fast():
        for i in range(10_000):
            produced.append(i)
            yield i

    async def run() -> tuple[int, int]:
        stream = batched(fast())
        first = await anext(stream)
        await asyncio.sleep(0.05)  # a slow client: the producer must stop, not run ahead
        ahead = len(produced)
        await stream.aclose()
        return len(first), ahead

    first, ahead = asyncio.run(run())
    assert ahead <= first + QUEUE_SIZE + 1  # what was sent, a full queue, one item in hand
