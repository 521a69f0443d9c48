"""``uv run python -m bench.profile [--reply short|long] [--lean] [--seconds N]``

Where the host's CPU goes while it relays chats: starts an Ollama upstream and ``agentkit serve``,
loads the host (16 clients for short replies, one for long ones) and samples it with py-spy
(in the dev dependency group), then prints the share of samples per
part of the stack. The raw py-spy profile is kept next to the JSON results for a closer look.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench import procs
from bench.load import host_chat, new_client, run_load, set_knobs
from bench.setup import LEAN_OLLAMA, TARGETS

RESULTS = Path(__file__).resolve().parent / "results"

SDK_MARKERS = ("langchain_ollama", "langchain_core", "ollama/")
HTTP_CLIENT_MARKERS = ("httpx/", "httpcore/")
PARTS = [
    ("AG-UI events: building and encoding", ("ag_ui/", "EventTranslator", "agentkit/events.py")),
    ("AgentKit relay and batching", ("agentkit/chat.py", "agentkit/batching.py")),
    ("logging", ("logging/",)),
    ("HTTP server: uvicorn, Starlette, middleware", ("uvicorn/", "starlette/", "agentkit/")),
]


def part_of(stack: str) -> str:
    """The part of the host a sample's stack (``frame;frame;...``) belongs to."""
    if any(marker in stack for marker in SDK_MARKERS):
        if any(marker in stack for marker in HTTP_CLIENT_MARKERS):
            return "provider SDK: its HTTP client, to the upstream"
        return "provider SDK: LangChain and parsing the stream"
    for name, markers in PARTS:
        if any(marker in stack for marker in markers):
            return name
    return "other (event loop, garbage collection)"


def breakdown(raw: Path) -> Counter[str]:
    """Samples per part, from py-spy's raw output (``frame;frame;... count`` lines)."""
    counts: Counter[str] = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        counts[part_of(stack)] += int(count)
    return counts


async def load_and_profile(reply: str, lean: bool, seconds: float, raw: Path) -> float:
    """Runs/s while py-spy samples the host for ``seconds``."""
    target = LEAN_OLLAMA if lean else TARGETS["ollama"]
    spy = str(Path(sys.executable).with_name("py-spy"))
    sampling = ["--duration", str(int(seconds)), "--rate", "200", "--format", "raw"]
    with (
        tempfile.TemporaryDirectory(prefix="agentkit-profile-") as tmp,
        procs.upstream(target.upstream) as upstream,
    ):
        env = {"AGENTKIT_PLUGINS": "ollama", **target.env(upstream)}
        with procs.host(env, Path(tmp), Path(tmp) / "host.log") as (base, proc):
            tokens = 20 if reply == "short" else 2000
            await set_knobs(upstream, tokens=tokens, first_token_delay=0, token_delay=0)
            async with new_client() as client:
                for _ in range(5):
                    await host_chat(client, base, target)
                sampler = subprocess.Popen(
                    [spy, "record", "--pid", str(proc.pid), *sampling, "--output", str(raw)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                result = await run_load(
                    lambda: host_chat(client, base, target),
                    concurrency=16 if reply == "short" else 1,
                    total=10**9,
                    time_limit=seconds,
                )
                sampler.wait(timeout=seconds + 30)
    return len(result.ok) / result.wall


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--reply", choices=["short", "long"], default="short")
    parser.add_argument("--lean", action="store_true", help="the lean Ollama upstream")
    parser.add_argument("--seconds", type=float, default=12.0)
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    raw = RESULTS / time.strftime(f"profile-{args.reply}-%Y%m%d-%H%M%S.txt")
    rate = asyncio.run(load_and_profile(args.reply, args.lean, args.seconds, raw))
    if not raw.exists():
        sys.exit("py-spy wrote no profile: it needs ptrace rights (run as root, or see its README)")
    counts = breakdown(raw)
    total = sum(counts.values())
    upstream = "lean Ollama" if args.lean else "Ollama emulator"
    print(f"{args.reply} replies from the {upstream}: {rate:.1f} runs/s, {total} samples")
    print("| part of the host | share of its CPU |\n|---|---|")
    for name, count in counts.most_common():
        print(f"| {name} | {100 * count / total:.1f}% |")
    print(f"\nraw profile: {raw}")


if __name__ == "__main__":
    main()
