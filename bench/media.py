"""What media parts cost the host before a run starts: CPU to take a request body apart, side by
side.

    uv run python -m bench.media [--turns 20] [--rounds 9]

For a conversation of ``--turns`` user and assistant turns, in one process, this times what the
host does with a request body before anything is sent upstream: parse it (``RunAgentInput``),
convert it to LangChain messages with the media checks (``agentkit.messages``: base64 that
decodes, the size limit, what the model takes), and estimate its length against a known context
window (``host._check_context``). The cases:

- ``text``: the conversation alone (the common case);
- ``image 1 MB``, ``image 10 MB``: the same with one image part of that size in the last turn;
- ``text x10``: a conversation ten times as long, for the context estimate's share.

Rounds alternate the cases so that a noisy machine slows them alike; it reports the median CPU
per request, each case's ratio to ``text``, the MB/s for images, and the load average.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import time
from collections.abc import Callable

from ag_ui.core import RunAgentInput

from agentkit.host import _check_context
from agentkit.messages import MediaRules, to_langchain
from agentkit.provider import Model
from bench.stats import alternating_medians

MODEL = Model(
    "bench",
    capabilities=["vision"],
    context_window=1_000_000,
    sources={"capabilities": "bench", "context_window": "bench"},
)
RULES = MediaRules(provider_id="bench", model_id="bench", capabilities=frozenset({"vision"}))


def body(turns: int, image_bytes: int = 0) -> bytes:
    """A request body: ``turns`` exchanges of prose, the last question with an image of
    ``image_bytes`` (none when 0)."""
    messages = []
    for turn in range(turns):
        question = f"Question {turn}: " + "what about the next part of the plan? " * 8
        messages.append({"id": f"u{turn}", "role": "user", "content": question})
        answer = f"Answer {turn}: " + "here is a detailed answer with some words. " * 20
        messages.append({"id": f"a{turn}", "role": "assistant", "content": answer})
    last: list[dict] = [{"type": "text", "text": "And what is in this picture?"}]
    if image_bytes:
        data = base64.b64encode(os.urandom(image_bytes)).decode()
        last.append(
            {"type": "image", "source": {"type": "data", "value": data, "mimeType": "image/png"}}
        )
    messages.append({"id": "last", "role": "user", "content": last})
    return json.dumps(
        {
            "threadId": "t",
            "runId": "r",
            "state": {},
            "messages": messages,
            "tools": [],
            "context": [],
            "forwardedProps": {},
        }
    ).encode()


def prepare(raw: bytes) -> float:
    """CPU seconds for what the host does with ``raw`` before the run."""
    started = time.process_time()
    run_input = RunAgentInput.model_validate_json(raw)
    messages = to_langchain(run_input.messages, run_input.context, RULES)
    _check_context(MODEL, messages)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    bodies = {
        "text": body(args.turns),
        "image 1 MB": body(args.turns, 1_000_000),
        "image 10 MB": body(args.turns, 10_000_000),
        "text x10": body(args.turns * 10),
    }
    cases: dict[str, Callable[[], float]] = {
        name: (lambda raw=raw: prepare(raw)) for name, raw in bodies.items()
    }
    medians = alternating_medians(cases, args.rounds)
    load = os.getloadavg()
    print(f"{args.turns} turns, {args.rounds} rounds; load average {load[0]:.2f}")
    for name, median in medians.items():
        size = len(bodies[name]) / 1e6
        ratio = median / medians["text"]
        print(f"  {name:<12} {median * 1e3:8.2f} ms  x{ratio:7.2f}  body {size:6.2f} MB")


if __name__ == "__main__":
    main()
