"""``uv run python -m bench [--quick] [--only chat,lean,listing,startup,memory] [--repeat N]``

Prints the machine, the versions and a results table; writes every figure as JSON to
``bench/results/`` (git-ignored) for comparing runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import report, suite
from bench.setup import TARGETS, Target, installed

RESULTS = Path(__file__).resolve().parent / "results"
SECTIONS = ("chat", "lean", "listing", "startup", "memory")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, for development")
    parser.add_argument("--only", help=f"comma-separated sections of {', '.join(SECTIONS)}")
    parser.add_argument("--providers", help="comma-separated provider ids (default: installed)")
    parser.add_argument(
        "--repeat", type=int, help="repeats of the chat figures (default 3, quick 1)"
    )
    parser.add_argument("--out", type=Path, help="JSON file to write (default: bench/results/)")
    args = parser.parse_args()

    sections = args.only.split(",") if args.only else list(SECTIONS)
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    providers = args.providers.split(",") if args.providers else installed()
    targets = [TARGETS[p] for p in providers]
    repeats = args.repeat or (1 if args.quick else 3)

    info = report.machine()
    print(f"{info['cores']} cores ({info['cpu']}), Python {info['python']}")
    print(f"load average {info['load_average']}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items() if v))
    print(f"providers: {', '.join(providers)}; sections: {', '.join(sections)}; repeats: {repeats}")

    with tempfile.TemporaryDirectory(prefix="agentkit-bench-") as tmp:
        plan = suite.Plan(quick=args.quick, workdir=Path(tmp))
        results = {"machine": info, "quick": args.quick, "providers": providers}
        started = time.time()
        # One event loop for every section: the LangChain models of one section hold HTTP
        # clients bound to the loop they were used in, and must not outlive it.
        results.update(asyncio.run(_sections(plan, sections, targets, repeats)))
        results["seconds"] = round(time.time() - started, 1)
        results["load_average_after"] = report.machine()["load_average"]

    rows = []
    if results.get("chat"):
        rows += report.chat_rows(results["chat"])
    if results.get("lean"):
        rows += report.chat_rows(results["lean"], label=" (lean upstream)")
    rows += report.other_rows(results)
    print()
    print(report.table(rows))

    out = args.out or RESULTS / time.strftime("bench-%Y%m%d-%H%M%S.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"\nwrote {out}")


async def _sections(
    plan: suite.Plan, sections: list[str], targets: list[Target], repeats: int
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    if "chat" in sections:
        results["chat"] = []
        for index in range(repeats):
            print(f"chat figures, repeat {index + 1}/{repeats}", file=sys.stderr)
            plan.long_c64 = index == 0
            results["chat"].append(await suite.chat_figures(plan, targets))
    if "lean" in sections and any(t.provider == "ollama" for t in targets):
        print("chat figures against the lean Ollama upstream", file=sys.stderr)
        results["lean"] = [await suite.lean_figures(plan)]
    if "listing" in sections:
        results["listing"] = await suite.listing_figures(plan, targets)
    if "startup" in sections:
        results["startup"] = suite.startup_figures(plan, targets)
    if "memory" in sections:
        results["memory"] = await suite.memory_figures(plan, targets)
    return results


if __name__ == "__main__":
    main()
