"""What a chat model for new parameters costs: CPU per build and memory after many.

    uv run python -m bench.builds [--builds 200]

A client that sends a new ``seed`` (or ``temperature``) with every request gets a new model each
time. For each first-party provider, in one process and on one event loop as in the host, this
builds ``--builds`` models with distinct seeds and reports the CPU each build took (median) and the
resident memory they added in all. No network call is made: building is the whole cost.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

from bench import procs
from bench.setup import TARGETS, installed

ENV = {
    "ollama": {"OLLAMA_BASE_URL": "http://127.0.0.1:9"},
    "gemini": {"GEMINI_API_KEY": "test-gemini-key", "GEMINI_BASE_URL": "http://127.0.0.1:9"},
    "azure-openai": {
        "AZURE_OPENAI_ENDPOINT": "http://127.0.0.1:9",
        "AZURE_OPENAI_API_KEY": "test-azure-key",
        "AZURE_OPENAI_DEPLOYMENT": "chat",
        "AZURE_OPENAI_MODEL": "gpt-4o",
    },
}


async def measure(provider_id: str, builds: int) -> tuple[float, float]:
    """(median CPU ms per build, MB of resident memory added by ``builds`` models)."""
    from agentkit import ChatParams
    from agentkit.config import HostConfig
    from agentkit.host import Host

    os.environ.update(ENV[provider_id])
    provider = Host.load(HostConfig(plugins=[provider_id])).registry.providers[provider_id].provider
    model = TARGETS[provider_id].model
    keep = [provider.chat_model(model, ChatParams())]  # imports the SDK: not counted
    rss_before = procs.rss_mb(os.getpid())["rss"]
    cpu = []
    for seed in range(builds):
        started = time.process_time()
        keep.append(provider.chat_model(model, ChatParams(seed=seed)))
        cpu.append((time.process_time() - started) * 1000)
    return statistics.median(cpu), procs.rss_mb(os.getpid())["rss"] - rss_before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builds", type=int, default=200)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}; {args.builds} models with distinct seeds each")
    print(f"{'provider':<14} {'CPU ms/build':>12} {'MB added':>9}")
    for provider_id in installed():
        cpu, added = asyncio.run(measure(provider_id, args.builds))
        print(f"{provider_id:<14} {cpu:>12.2f} {added:>9.1f}")


if __name__ == "__main__":
    main()
