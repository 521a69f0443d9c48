"""The benchmark scenarios: chat overhead and throughput, listing, start-up and memory.

Each scenario starts the processes it needs (upstreams, one ``agentkit serve``) and stops them
when it ends; the load always comes from this process, never from the host's.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench import procs
from bench.load import (
    direct_chat,
    host_chat,
    new_client,
    run_load,
    set_knobs,
    upstream_chat,
)
from bench.setup import LEAN_OLLAMA, Target
from bench.stats import ms, percentile, summarize

SHORT, LONG = 20, 2000
LIST_TIMEOUT = 1.0


@dataclass
class Plan:
    """How much to run: ``quick`` for development, the full plan for the published numbers."""

    quick: bool
    workdir: Path
    long_c64: bool = True  # 64 long streams take a while: the full run does them once

    def runs(self, tokens: int, concurrency: int) -> int:
        if tokens == LONG:
            return max(concurrency, 2 if self.quick else 5)
        per_client = {1: 20, 16: 10, 64: 4} if self.quick else {1: 40, 16: 10, 64: 4}
        return concurrency * per_client[concurrency]

    def concurrencies(self, tokens: int) -> list[int]:
        if tokens == LONG and (self.quick or not self.long_c64):
            return [1, 16]
        return [1, 16, 64]

    @property
    def time_limit(self) -> float:
        return 20.0 if self.quick else 60.0

    @property
    def repeats_startup(self) -> int:
        return 3 if self.quick else 7


def host_env(urls: dict[str, str], targets: list[Target], **extra: str) -> dict[str, str]:
    """The host's settings: only the plugins under test, each pointed at its upstream."""
    env = {
        "AGENTKIT_LIST_TIMEOUT": str(LIST_TIMEOUT),
        "AGENTKIT_PLUGINS": ",".join(t.provider for t in targets),
        **extra,
    }
    for target in targets:
        env.update(target.env(urls[target.provider]))
    return env


# --- chat overhead and throughput ---------------------------------------------------------


async def chat_figures(plan: Plan, targets: list[Target]) -> dict[str, Any]:
    """Per provider and reply length: the upstream alone, direct LangChain and through the host,
    at each concurrency."""
    results: dict[str, Any] = {}
    with ExitStack() as stack:
        urls = {t.provider: stack.enter_context(procs.upstream(t.upstream)) for t in targets}
        env = host_env(urls, targets)
        base, _ = stack.enter_context(_host(plan, env))
        os.environ.update(env)  # the direct baseline builds the same providers in this process
        providers = _providers()
        async with new_client() as client:
            for target in targets:
                provider = providers[target.provider]
                upstream = urls[target.provider]
                results[target.provider] = await _chat_matrix(
                    plan, client, base, upstream, provider, target
                )
    return results


async def lean_figures(plan: Plan) -> dict[str, Any]:
    """The Ollama figures against ``ollama-lean``: the host's cost with a near-free upstream."""
    target = LEAN_OLLAMA
    with ExitStack() as stack:
        upstream = stack.enter_context(procs.upstream(target.upstream))
        env = host_env({"ollama": upstream}, [target])
        base, _ = stack.enter_context(_host(plan, env))
        os.environ.update(env)
        provider = _providers()["ollama"]
        async with new_client() as client:
            return {"ollama": await _chat_matrix(plan, client, base, upstream, provider, target)}


async def _chat_matrix(plan, client, base, upstream, provider, target) -> dict[str, Any]:
    from agentkit.provider import ChatParams

    figures: dict[str, Any] = {}
    model = provider.chat_model(target.model, ChatParams())
    await _warm_up(client, base, upstream, model, target)
    pids = {"host": procs.pid_of(base), "upstream": procs.pid_of(upstream), "bench": os.getpid()}
    for tokens in (SHORT, LONG):
        await set_knobs(upstream, tokens=tokens, first_token_delay=0, token_delay=0)
        for concurrency in plan.concurrencies(tokens):
            runs = plan.runs(tokens, concurrency)
            kinds = {
                "upstream": lambda: upstream_chat(client, upstream, target),
                "direct": lambda: direct_chat(model),
                "host": lambda: host_chat(client, base, target),
            }
            row = {}
            for kind, chat in kinds.items():
                before = {name: procs.cpu_seconds(pid) for name, pid in pids.items()}
                result = await run_load(
                    chat, concurrency=concurrency, total=runs, time_limit=plan.time_limit
                )
                row[kind] = summarize(result)
                done = max(1, len(result.ok))
                row[kind]["cpu_ms_per_run"] = {
                    name: round((procs.cpu_seconds(pid) - before[name]) * 1000 / done, 2)
                    for name, pid in pids.items()
                }
            row["added_ms"] = {
                figure: {
                    q: _diff(row["host"][figure][q], row["direct"][figure][q])
                    for q in ("p50", "p90", "p99")
                }
                for figure in ("ttft_ms", "ttlt_ms")
            }
            figures[f"{tokens}tok_c{concurrency}"] = row
            _progress(target.provider, tokens, concurrency, row)
    return figures


async def _warm_up(client, base, upstream, model, target) -> None:
    """Import and connect everything once, so the first measured run is not an outlier."""
    await set_knobs(upstream, tokens=SHORT, first_token_delay=0, token_delay=0)
    for _ in range(3):
        for sample in (
            await upstream_chat(client, upstream, target),
            await direct_chat(model),
            await host_chat(client, base, target),
        ):
            if sample.error or sample.tokens != SHORT:
                raise RuntimeError(f"warm-up against {target.provider} failed: {sample}")


def _providers() -> dict[str, Any]:
    from agentkit.host import Host

    entries = Host.load().registry.providers
    return {pid: e.provider for pid, e in entries.items() if e.provider is not None}


def _diff(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(a - b, 2)


def _progress(provider: str, tokens: int, concurrency: int, row: dict[str, Any]) -> None:
    host, direct, upstream = row["host"], row["direct"], row["upstream"]
    print(
        f"  {provider:13} {tokens:>5} tok c{concurrency:<3} host/direct/upstream: ttft p50 "
        f"{host['ttft_ms']['p50']}/{direct['ttft_ms']['p50']}/{upstream['ttft_ms']['p50']} ms  "
        f"runs/s {host['runs_per_s']}/{direct['runs_per_s']}/{upstream['runs_per_s']}  "
        f"tok/s/stream {host['stream_tokens_per_s_p50']}/{direct['stream_tokens_per_s_p50']}/"
        f"{upstream['stream_tokens_per_s_p50']}  errors {host['errors']}/{direct['errors']}",
        file=sys.stderr,
        flush=True,
    )


# --- listing -----------------------------------------------------------------------------


async def listing_figures(plan: Plan, targets: list[Target]) -> dict[str, Any]:
    """``GET /models`` warm, cold (``?refresh=true`` re-lists every provider), and with the
    first provider hanging (its listing timeout set to ``LIST_TIMEOUT``)."""
    figures: dict[str, Any] = {"list_timeout_s": LIST_TIMEOUT}
    with ExitStack() as stack:
        urls = {t.provider: stack.enter_context(procs.upstream(t.upstream)) for t in targets}
        base, _ = stack.enter_context(_host(plan, host_env(urls, targets)))
        async with httpx.AsyncClient(timeout=10.0) as client:
            document = (await client.get(f"{base}/models")).json()
            figures["models_listed"] = len(document["models"])
            figures["states"] = {p["id"]: p["state"] for p in document["providers"]}
            figures["warm"] = await _timed_gets(client, f"{base}/models", 50 if plan.quick else 300)
            figures["cold"] = await _timed_gets(
                client, f"{base}/models?refresh=true", 10 if plan.quick else 50
            )
        hang = stack.enter_context(procs.upstream("hang"))
        hung, others = targets[0], targets[1:]
        urls = {**urls, hung.provider: hang}
        base, _ = stack.enter_context(_host(plan, host_env(urls, targets)))
        async with httpx.AsyncClient(timeout=10.0) as client:
            times, document = [], {}
            for _ in range(3):
                started = time.perf_counter()
                document = (await client.get(f"{base}/models?refresh=true")).json()
                times.append(time.perf_counter() - started)
        states = {p["id"]: p["state"] for p in document["providers"]}
        figures["hanging"] = {
            "provider": hung.provider,
            "ms": {"p50": ms(statistics.median(times)), "max": ms(max(times))},
            "states": states,
            "others_listed": all(
                states.get(t.provider) == "ready"
                and any(m["provider"] == t.provider for m in document["models"])
                for t in others
            ),
        }
    return figures


async def _timed_gets(client: httpx.AsyncClient, url: str, count: int) -> dict[str, Any]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        (await client.get(url)).raise_for_status()
        times.append(time.perf_counter() - started)
    return {"n": count, **{f"p{q}": ms(percentile(times, q)) for q in (50, 90, 99)}}


# --- start-up ----------------------------------------------------------------------------


def startup_figures(plan: Plan, targets: list[Target]) -> dict[str, Any]:
    """Median seconds for ``agentkit serve`` to answer ``/health``, ``agentkit providers``, and
    the imports, over several runs each, with every provider configured."""
    env = procs.clean_env(**host_env({t.provider: "http://127.0.0.1:9" for t in targets}, targets))
    cwd = plan.workdir / "startup"
    cwd.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    plugins = "; ".join(
        f"import {m}.plugin"
        for m in ("agentkit_ollama", "agentkit_gemini", "agentkit_azure_openai")
        if any(t.provider.replace("-", "_") in m for t in targets)
    )
    commands = {
        "python_bare_s": [python, "-c", "pass"],
        "import_agentkit_s": [python, "-c", "import agentkit"],
        "import_agentkit_and_plugins_s": [python, "-c", f"import agentkit; {plugins}"],
        "import_agentkit_app_s": [python, "-c", "import agentkit.app"],
        "agentkit_providers_s": [procs.AGENTKIT, "providers"],
    }
    figures: dict[str, Any] = {}
    for name, argv in commands.items():
        times = [procs.timed_run(argv, env, cwd) for _ in range(plan.repeats_startup)]
        figures[name] = _seconds(times)
    figures["serve_to_health_s"] = _seconds(
        [_serve_to_health(env, cwd) for _ in range(plan.repeats_startup)]
    )
    return figures


def _serve_to_health(env: dict[str, str], cwd: Path) -> float:
    port = procs.free_port()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [procs.AGENTKIT, "serve", "--port", str(port)],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        procs.wait_until_up(f"http://127.0.0.1:{port}/health", proc=proc)
        return time.perf_counter() - started
    finally:
        procs.stop(proc)


def _seconds(times: list[float]) -> dict[str, Any]:
    return {
        "median": round(statistics.median(times), 3),
        "min": round(min(times), 3),
        "max": round(max(times), 3),
        "n": len(times),
    }


# --- memory ------------------------------------------------------------------------------


async def memory_figures(plan: Plan, targets: list[Target], streams: int = 200) -> dict[str, Any]:
    """Resident memory of a fresh host, after one chat per provider, and with ``streams`` open
    streams (round-robin over the providers) held open by a slow upstream."""
    figures: dict[str, Any] = {"streams": streams}
    with ExitStack() as stack:
        urls = {t.provider: stack.enter_context(procs.upstream(t.upstream)) for t in targets}
        base, proc = stack.enter_context(_host(plan, host_env(urls, targets)))
        await asyncio.sleep(0.5)
        figures["idle_fresh_mb"] = procs.rss_mb(proc.pid)
        async with new_client(streams + 8) as client:
            for target in targets:
                await set_knobs(urls[target.provider], tokens=SHORT, token_delay=0)
                await host_chat(client, base, target)
            await asyncio.sleep(0.5)
            figures["idle_after_chats_mb"] = procs.rss_mb(proc.pid)
            for target in targets:  # 60 tokens, one every 0.5 s: each stream lasts ~30 s
                await set_knobs(urls[target.provider], tokens=60, token_delay=0.5)
            opened = await _hold_streams(client, base, targets, streams, proc.pid)
            figures.update(opened)
    return figures


async def _hold_streams(client, base, targets, streams, pid) -> dict[str, Any]:
    from bench.load import run_input

    started = asyncio.Event()
    live = 0

    async def one(target: Target) -> None:
        nonlocal live
        request = client.build_request("POST", f"{base}/chat/chat", json=run_input(target))
        response = await client.send(request, stream=True)
        try:
            async for line in response.aiter_lines():
                if '"TEXT_MESSAGE_CONTENT"' in line:
                    live += 1
                    if live == streams:
                        started.set()
                    await asyncio.sleep(60)  # hold the stream open; cancelled below
        finally:
            await response.aclose()

    tasks = [asyncio.create_task(one(targets[i % len(targets)])) for i in range(streams)]
    try:
        await asyncio.wait_for(started.wait(), timeout=30)
        await asyncio.sleep(1.0)
        return {"with_streams_mb": procs.rss_mb(pid), "streams_open": live}
    except TimeoutError:
        return {"with_streams_mb": procs.rss_mb(pid), "streams_open": live, "timeout": True}
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _host(plan: Plan, env: dict[str, str]):
    """``agentkit serve`` for this plan, logging to a file in its work directory."""
    plan.workdir.mkdir(parents=True, exist_ok=True)
    log = plan.workdir / "host.log"
    return procs.host(env, plan.workdir / "host", log)
