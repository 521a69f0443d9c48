"""An upstream for the benchmarks, in its own process so it never competes with the host.

    python -m bench.upstream ollama|gemini|azure-openai --port P   the test suite's emulator
    python -m bench.upstream ollama-lean --port P                  a lean NDJSON /api/chat
    python -m bench.upstream hang --port P                         accepts, never answers

The emulators are the ones each plugin ships (``agentkit_ollama.testing`` and the like: the real
wire formats), with two changes for long runs: they keep only their last requests, and
``POST /_bench`` sets the reply length and delays, e.g. ``{"tokens": 2000, "first_token_delay": 0,
"token_delay": 0}``, and the faults of ``bench.faults``: ``{"fault": "stall"}`` and the other names
of ``FAULTS`` (``"none"`` clears).

``ollama-lean`` speaks the same NDJSON as Ollama's ``/api/chat`` but encodes each reply once and
writes it in one piece: it shows what the host costs when the upstream costs almost nothing.
``hang`` is a provider that has died without closing its socket (every request waits up to
``HANG_SECONDS``), for the listing timeout figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import deque
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

HANG_SECONDS = 120.0
KEEP_REQUESTS = 20
FAULTS = (
    "none",
    "silent",
    "stall",
    "cut",
    "http_500",
    "http_429",
    "malformed",
    "error_event",
    "empty",
)


def reply_of(tokens: int) -> str:
    """A reply the emulators split into exactly ``tokens`` word tokens."""
    return " ".join(f"w{i}" for i in range(tokens))


def emulator_app(kind: str) -> Starlette:
    """The test suite's emulator for ``kind``, with the ``/_bench`` knob route."""
    if kind == "ollama":
        from agentkit_ollama.testing import OllamaEmulator

        emulator: Any = OllamaEmulator()
    elif kind == "gemini":
        from agentkit_gemini.testing import GeminiEmulator

        emulator = GeminiEmulator()
    elif kind == "azure-openai":
        from agentkit_azure_openai.testing import AzureOpenAIEmulator

        emulator = AzureOpenAIEmulator()
    else:
        raise SystemExit(f"unknown upstream {kind!r}")
    emulator.requests = deque(maxlen=KEEP_REQUESTS)

    async def knobs(request: Request) -> Response:
        body = await request.json()
        if "tokens" in body:
            emulator.reply = reply_of(int(body["tokens"]))
        for name in ("first_token_delay", "token_delay"):
            if name in body:
                setattr(emulator, name, float(body[name]))
        if "fault" in body:
            set_fault(emulator, body["fault"])
        return JSONResponse({"ok": True})

    emulator.app.router.routes.insert(0, Route("/_bench", knobs, methods=["POST"]))
    return emulator.app


def set_fault(emulator: Any, fault: str) -> None:
    """Make every later chat of ``emulator`` meet ``fault`` (one of ``FAULTS``)."""
    emulator.stall_after = emulator.cut_after = emulator.raw_stream = None
    emulator._failures.clear()
    if fault == "silent":
        emulator.stall_after = 0
    elif fault == "stall":
        emulator.stall_after = 4
    elif fault == "cut":
        emulator.cut_after = 4
    elif fault.startswith("http_"):
        status = int(fault.removeprefix("http_"))
        emulator.fail(status, times=1_000_000, headers={"Retry-After": "1"})
    elif fault == "malformed":
        emulator.raw_stream = [emulator.chunk_bytes("Hi"), b"data: {not json\n\n{not json\n"]
    elif fault == "error_event":
        emulator.raw_stream = [emulator.chunk_bytes("Hi"), emulator.error_event("emulated")]
    elif fault == "empty":
        emulator.raw_stream = []


class LeanOllama:
    """``POST /api/chat`` answered with a pre-encoded NDJSON stream of ``tokens`` lines."""

    def __init__(self) -> None:
        self.tokens = 20
        self._bodies: dict[tuple[str, int], bytes] = {}

    def body(self, model: str) -> bytes:
        key = (model, self.tokens)
        if key not in self._bodies:
            lines = [
                {
                    "model": model,
                    "created_at": "2025-01-01T00:00:00Z",
                    "message": {"role": "assistant", "content": f"w{i} "},
                    "done": False,
                }
                for i in range(self.tokens)
            ]
            lines.append(
                {
                    "model": model,
                    "created_at": "2025-01-01T00:00:00Z",
                    "message": {"role": "assistant", "content": ""},
                    "done": True,
                    "done_reason": "stop",
                    "prompt_eval_count": 3,
                    "eval_count": self.tokens,
                }
            )
            self._bodies[key] = b"".join(
                json.dumps(line, separators=(",", ":")).encode() + b"\n" for line in lines
            )
        return self._bodies[key]

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        request = json.loads(b"".join(chunks) or b"{}")
        if scope["path"] == "/_bench":
            self.tokens = int(request.get("tokens", self.tokens))
            status, body, ctype = 200, b'{"ok":true}', b"application/json"
        elif scope["path"] == "/api/chat":
            status, body, ctype = 200, self.body(request.get("model", "m")), b"application/x-ndjson"
        else:
            status, body, ctype = 404, b'{"error":"not found"}', b"application/json"
        headers = [(b"content-type", ctype), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


async def hang_app(scope, receive, send) -> None:
    """Accept every request and answer none of them (for ``HANG_SECONDS``)."""
    if scope["type"] == "http":
        await asyncio.sleep(HANG_SECONDS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["ollama", "gemini", "azure-openai", "ollama-lean", "hang"])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    if args.kind == "ollama-lean":
        app: Any = LeanOllama()
    elif args.kind == "hang":
        app = hang_app
    else:
        app = emulator_app(args.kind)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", lifespan="off")


if __name__ == "__main__":
    main()
