"""The machine's description and the results table (Markdown), with each target checked."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.stats import median_of, spread

PACKAGES = [
    "agentkit-core",
    "agentkit-ollama",
    "agentkit-gemini",
    "agentkit-azure-openai",
    "starlette",
    "uvicorn",
    "httpx",
    "pydantic",
    "ag-ui-protocol",
    "langchain-core",
    "langchain-ollama",
    "ollama",
    "langchain-google-genai",
    "google-genai",
    "langchain-openai",
    "openai",
    "uvloop",
    "httptools",
]


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "load_average": os.getloadavg(),
        "versions": versions,
    }


def chat_rows(chat: list[dict[str, Any]], label: str = "") -> list[list[str]]:
    """Per provider: added latency, throughput and relay rate, medians over the repeats."""
    rows = []
    for provider in chat[0]:

        def fig(path: Callable[[dict[str, Any]], Any], runs=chat, provider=provider):
            values = [path(run[provider]) for run in runs]
            return median_of(values), spread(values)

        name = f"{provider}{label}"
        added, noise = fig(lambda r: r["20tok_c1"]["added_ms"]["ttft_ms"]["p50"])
        host, _ = fig(lambda r: r["20tok_c1"]["host"]["ttft_ms"]["p50"])
        direct, _ = fig(lambda r: r["20tok_c1"]["direct"]["ttft_ms"]["p50"])
        rows.append(
            [
                f"{name}: added time to first token, c1, p50",
                _num(added, "ms", f"host {host}, direct {direct}", noise),
                "<= 2 ms",
                _met(added, lambda v: v <= 2),
            ]
        )
        added, noise = fig(lambda r: r["20tok_c1"]["added_ms"]["ttlt_ms"]["p50"])
        label_ttlt = f"{name}: added time to last token, 20 tok, c1, p50"
        rows.append([label_ttlt, _num(added, "ms", "", noise), "", ""])
        for c in (16, 64):
            host, noise = fig(lambda r, c=c: r[f"20tok_c{c}"]["host"]["runs_per_s"])
            direct, _ = fig(lambda r, c=c: r[f"20tok_c{c}"]["direct"]["runs_per_s"])
            up, _ = fig(lambda r, c=c: r[f"20tok_c{c}"]["upstream"]["runs_per_s"])
            cpu = {
                process: fig(lambda r, c=c, p=process: _cpu(r[f"20tok_c{c}"], p))[0]
                for process in ("host", "upstream", "bench")
            }
            split = (
                f"CPU per run: host {cpu['host']} ms, upstream {cpu['upstream']} ms, "
                f"load generator {cpu['bench']} ms"
            )
            rows.append(
                [
                    f"{name}: short chat runs/s, {c} clients",
                    _num(host, "/s", f"direct {direct}, upstream alone {up}; {split}", noise),
                    ">= 400" if c == 16 else "",
                    _met(host, lambda v: v >= 400) if c == 16 else "",
                ]
            )
        host, noise = fig(lambda r: r["2000tok_c1"]["host"]["stream_tokens_per_s_p50"])
        direct, _ = fig(lambda r: r["2000tok_c1"]["direct"]["stream_tokens_per_s_p50"])
        up, _ = fig(lambda r: r["2000tok_c1"]["upstream"]["stream_tokens_per_s_p50"])
        rows.append(
            [
                f"{name}: relayed tokens/s, one 2,000-token stream",
                _num(host, "tok/s", f"direct {direct}, upstream alone {up}", noise),
                ">= 20,000",
                _met(host, lambda v: v >= 20000),
            ]
        )
    return rows


def other_rows(results: dict[str, Any]) -> list[list[str]]:
    rows = []
    listing = results.get("listing")
    if listing:
        warm, cold, hang = listing["warm"], listing["cold"], listing["hanging"]
        limit = listing["list_timeout_s"] * 1000 + 50
        rows += [
            [
                "GET /models, warm cache, p50",
                _num(warm["p50"], "ms", f"p99 {warm['p99']}"),
                "<= 2 ms",
                _met(warm["p50"], lambda v: v <= 2),
            ],
            [
                "GET /models, cold cache (re-list all), p50",
                _num(cold["p50"], "ms", f"p99 {cold['p99']}"),
                "",
                "",
            ],
            [
                f"GET /models, {hang['provider']} hanging "
                f"(timeout {listing['list_timeout_s']:g} s)",
                _num(hang["ms"]["p50"], "ms", f"others listed: {hang['others_listed']}"),
                f"<= {limit:g} ms",
                _met(hang["ms"]["p50"], lambda v: v <= limit and hang["others_listed"]),
            ],
        ]
    startup = results.get("startup")
    if startup:

        def s(key: str) -> tuple[float, str]:
            f = startup[key]
            return f["median"], f"min {f['min']}, max {f['max']}, n {f['n']}"

        for key, label, target in [
            ("serve_to_health_s", "`agentkit serve` to /health", 1.0),
            ("agentkit_providers_s", "`agentkit providers`", 0.6),
            ("import_agentkit_s", "`import agentkit`", None),
            ("import_agentkit_and_plugins_s", "`import agentkit` + the plugin modules", None),
            ("python_bare_s", "`python -c pass` (for reference)", None),
        ]:
            value, note = s(key)
            rows.append(
                [
                    label,
                    _num(value, "s", note),
                    f"<= {target} s" if target else "",
                    _met(value, lambda v, t=target: v <= t) if target else "",
                ]
            )
    memory = results.get("memory")
    if memory:
        idle, warm, held = (
            memory["idle_fresh_mb"],
            memory["idle_after_chats_mb"],
            memory["with_streams_mb"],
        )
        rows += [
            [
                "resident memory, idle (fresh)",
                _num(idle["rss"], "MB"),
                "<= 150 MB",
                _met(idle["rss"], lambda v: v <= 150),
            ],
            [
                "resident memory, idle after one chat per provider",
                _num(warm["rss"], "MB"),
                "<= 150 MB",
                _met(warm["rss"], lambda v: v <= 150),
            ],
            [
                f"resident memory, {memory['streams_open']} open streams",
                _num(held["rss"], "MB", f"peak {held['peak']}"),
                "<= 300 MB",
                _met(held["rss"], lambda v: v <= 300),
            ],
        ]
    return rows


def _cpu(row: dict[str, Any], process: str) -> float | None:
    """CPU milliseconds per run that ``process`` spent during the host's load."""
    return row["host"].get("cpu_ms_per_run", {}).get(process)


def table(rows: list[list[str]]) -> str:
    lines = ["| figure | result | target | met |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _num(value: float | None, unit: str, note: str = "", noise: str = "") -> str:
    if value is None:
        return "n/a"
    text = f"{value:g} {unit}"
    extras = [part for part in (f"repeats {noise}" if noise else "", note) if part]
    return text + (f" ({'; '.join(extras)})" if extras else "")


def _met(value: float | None, check: Callable[[float], bool]) -> str:
    if value is None:
        return "?"
    return "yes" if check(value) else "**no**"
