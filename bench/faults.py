"""Whether faults leak: the host's resident memory and open file descriptors over many runs that
end badly, mixed with good ones.

    uv run python -m bench.faults [--runs 1000]

One host serves the three first-party providers, each on its emulator in a process of its own.
One client per provider runs chats in turn through a cycle of upstream faults (silent, stalled
mid-answer, cut, HTTP 500, 429, malformed JSON, an error event, an empty body) and client faults
(a client that hangs up after the first event), with a good run between. The host's time limits
are half a second so that timeouts are cheap. Memory and descriptors are read from ``/proc`` every
tenth of the runs; flat columns mean nothing leaks.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

import httpx

from agentkit.testing import parse_sse, run_input
from bench import procs
from bench.setup import TARGETS, installed

CYCLE = [
    "none",
    "silent",
    "none",
    "stall",
    "cut",
    "none",
    "http_500",
    "http_429",
    "client_gone",
    "malformed",
    "none",
    "error_event",
    "empty",
]
LIMITS = {
    "AGENTKIT_FIRST_TOKEN_TIMEOUT": "0.5",
    "AGENTKIT_IDLE_TIMEOUT": "0.5",
    "AGENTKIT_RETRY_ATTEMPTS": "1",
    "AGENTKIT_LOG_LEVEL": "warning",
}


def descriptors(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def one_run(client: httpx.Client, host: str, upstream: str, provider: str, fault: str) -> str:
    """Set the upstream's fault, run one chat; returns how it ended (a code or "finished")."""
    client.post(f"{upstream}/_bench", json={"fault": "none" if fault == "client_gone" else fault})
    body = run_input("Say something.", provider=provider, model=TARGETS[provider].model)
    with client.stream("POST", f"{host}/chat/chat", json=body) as response:
        if fault == "client_gone":
            next(response.iter_bytes())
            return "client_gone"
        events = parse_sse(response.read().decode())
    last = events[-1]
    return getattr(last, "code", None) or "finished"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    args = parser.parse_args()
    providers = installed()
    with tempfile.TemporaryDirectory() as work:
        upstreams = {}
        stack = [procs.upstream(TARGETS[p].upstream) for p in providers]
        for provider, context in zip(providers, stack, strict=True):
            upstreams[provider] = context.__enter__()
        env = dict(LIMITS)
        for provider in providers:
            env.update(TARGETS[provider].env(upstreams[provider]))
        try:
            with procs.host(env, Path(work), Path(work) / "host.log") as (host, proc):
                run(host, proc.pid, providers, upstreams, args.runs)
        finally:
            for context in stack:
                context.__exit__(None, None, None)


def run(host: str, pid: int, providers: list[str], upstreams: dict[str, str], runs: int) -> None:
    done = 0
    endings: dict[str, int] = {}
    lock = threading.Lock()
    samples = [(0, procs.rss_mb(pid)["rss"], descriptors(pid))]
    next_sample = runs // 10
    started = time.monotonic()
    load = os.getloadavg()[0]

    def worker(provider: str) -> None:
        nonlocal done, next_sample
        with httpx.Client(timeout=30) as client:
            index = 0
            while True:
                with lock:
                    if done >= runs:
                        return
                    done += 1
                fault = CYCLE[index % len(CYCLE)]
                index += 1
                ending = one_run(client, host, upstreams[provider], provider, fault)
                with lock:
                    endings[ending] = endings.get(ending, 0) + 1
                    if done >= next_sample:
                        samples.append((done, procs.rss_mb(pid)["rss"], descriptors(pid)))
                        next_sample += runs // 10

    threads = [threading.Thread(target=worker, args=(p,)) for p in providers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    time.sleep(1)  # let the last cancelled streams close
    samples.append(("after", procs.rss_mb(pid)["rss"], descriptors(pid)))
    print(f"{runs} runs over {', '.join(providers)} in {time.monotonic() - started:.0f} s")
    print(f"load average at start {load:.2f}, at end {os.getloadavg()[0]:.2f}")
    print("how they ended: " + ", ".join(f"{k} {v}" for k, v in sorted(endings.items())))
    print(f"{'runs':>6} {'RSS MB':>8} {'fds':>5}")
    for count, rss, fds in samples:
        print(f"{count!s:>6} {rss:>8.1f} {fds:>5}")


if __name__ == "__main__":
    main()
