"""What reasoning costs the relay: CPU per chunk turned into AG-UI events, side by side.

    uv run python -m bench.reasoning [--chunks 2000] [--rounds 15]

For an answer of ``--chunks`` chunks, in one process, this times ``EventTranslator`` on:

- ``text``: plain string chunks (the common case, which skips LangChain's block conversion);
- ``reasoning_content``: the thinking beside string content, as Ollama, DeepSeek and vLLM stream
  it (``additional_kwargs["reasoning_content"]``, read through ``content_blocks``);
- ``blocks``: thinking as content-block lists, as Gemini and the Responses API stream it;
- ``blocks, kept``: the same while adding the answer up for a provider with opaque reasoning.

Rounds alternate the cases so that a noisy machine slows them alike; it reports the median CPU
per chunk, each case's ratio to ``text``, and the load average.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

from langchain_core.messages import AIMessageChunk

from agentkit.events import EventTranslator
from bench.stats import alternating_medians


def text_chunks(n: int) -> list[AIMessageChunk]:
    return [AIMessageChunk(f"word{i} ") for i in range(n)]


def reasoning_content_chunks(n: int) -> list[AIMessageChunk]:
    half = n // 2
    thoughts = [
        AIMessageChunk("", additional_kwargs={"reasoning_content": f"thought{i} "})
        for i in range(half)
    ]
    return thoughts + text_chunks(n - half)


def block_chunks(n: int) -> list[AIMessageChunk]:
    half = n // 2
    thoughts = [
        AIMessageChunk(content=[{"type": "reasoning", "reasoning": f"thought{i} ", "index": 0}])
        for i in range(half)
    ]
    answer = [
        AIMessageChunk(content=[{"type": "text", "text": f"word{i} ", "index": 1}])
        for i in range(n - half)
    ]
    return thoughts + answer


def translate(chunks: list[AIMessageChunk], keep: bool) -> float:
    """CPU seconds to turn ``chunks`` into events."""
    translator = EventTranslator(keep=keep)
    started = time.process_time()
    for chunk in chunks:
        translator.feed(chunk)
    translator.finish()
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    cases: dict[str, Callable[[], float]] = {
        "text": lambda: translate(text_chunks(args.chunks), False),
        "reasoning_content": lambda: translate(reasoning_content_chunks(args.chunks), False),
        "blocks": lambda: translate(block_chunks(args.chunks), False),
        "blocks, kept": lambda: translate(block_chunks(args.chunks), True),
    }
    medians = alternating_medians(cases, args.rounds)
    load = os.getloadavg()
    print(f"{args.chunks} chunks per answer, {args.rounds} rounds; load average {load[0]:.2f}")
    for name, median in medians.items():
        per_chunk = median / args.chunks * 1e6
        print(f"  {name:<18} {per_chunk:7.1f} us/chunk  x{median / medians['text']:5.2f}")


if __name__ == "__main__":
    main()
