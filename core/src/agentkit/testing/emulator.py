"""The base of a provider emulator: a loopback server that speaks a provider's wire protocol, for a
plugin's tests and the conformance kit. Each first-party plugin ships one built on it
(``agentkit_ollama.testing.OllamaEmulator`` and the like); a third-party plugin subclasses
:class:`Emulator` the same way.

What every emulator shares: the knobs the conformance kit turns (``reply``, ``fail(...)``,
``cut_after``, ``tool_call``, delays and stream faults), a record of the requests, scripted
failures, and a paced stream that can drop the connection mid-answer and counts the streams clients
abandon. A subclass builds ``.app`` (any ASGI app; serve it with ``agentkit.testing.serve``), its
answers in the provider's format through :meth:`Emulator.stream`, and :meth:`Emulator.chunk_bytes`
and :meth:`Emulator.error_event` for the raw-stream faults.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

CUT = object()
"""Yielded by a stream to end it abruptly: the connection drops without finishing the response,
as when a server or a proxy crashes mid-answer."""


def tokens_of(text: str) -> list[str]:
    """Split ``text`` into word tokens that keep their surrounding whitespace."""
    return re.findall(r"\s*\S+\s*", text) if text.strip() else ([text] if text else [])


@dataclass
class Failure:
    status: int
    body: Any
    headers: dict[str, str] | None
    times: int
    on: str | None


def _bytes(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


class CuttableStream(StreamingResponse):
    """A stream that stops short when its iterator yields ``CUT`` and always closes its
    iterator, so an abandoned stream runs the iterator's cleanup at once."""

    async def stream_response(self, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        try:
            async for chunk in self.body_iterator:
                if chunk is CUT:
                    return
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            await self.body_iterator.aclose()


class Emulator:
    """Base class of the provider emulators. Subclasses build ``.app`` and the provider's
    formats (``chunk_bytes`` and ``error_event`` give one streamed chunk of each, raw); this class
    keeps the knobs every emulator has:

    ``reply``, ``thinking`` (what a model that thinks streams as its reasoning before the
    answer), ``first_token_delay``, ``token_delay``, ``cut_after``, ``tool_call`` (a dict
    ``{"name", "arguments"}``, or a list of them), ``fail(...)``, and the records ``requests`` and
    ``disconnects``; and, for faults in a 200
    stream, ``stall_after`` (send that many chunks, then nothing, holding the connection open),
    ``trickle`` (send the answer one byte at a time, this many seconds apart) and ``raw_stream``
    (send exactly these bytes as the body instead of the answer: ``[]`` is an empty body).
    """

    fail_on: str | None = None
    """The path fragment ``fail()`` matches when the test gives none (``None``: every path)."""

    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.thinking = "Let me think this through."
        self.first_token_delay = 0.0
        self.token_delay = 0.0
        self.cut_after: int | None = None
        self.stall_after: int | None = None
        self.trickle: float | None = None
        self.raw_stream: list[bytes] | None = None
        self.tool_call: Any = None
        self.requests: list[dict[str, Any]] = []
        self.disconnects = 0
        self._failures: list[Failure] = []

    def fail(
        self,
        status: int,
        body: Any = None,
        *,
        times: int = 1,
        headers: dict[str, str] | None = None,
        on: str | None = None,
    ) -> None:
        """Answer the next ``times`` requests whose path contains ``on`` with HTTP ``status`` and
        ``body`` (the provider's own error body for that status by default)."""
        self._failures.append(
            Failure(status, body, headers, times, self.fail_on if on is None else on)
        )

    def error_body(self, status: int) -> Any:
        """The body of a scripted failure that names none. Subclasses speak their provider's."""
        return {"error": f"emulated error {status}"}

    def chunk_bytes(self, text: str) -> bytes:
        """One streamed chunk carrying ``text``, exactly as it goes on the wire."""
        raise NotImplementedError

    def error_event(self, message: str) -> bytes:
        """An error inside a 200 stream, as the provider sends one mid-answer."""
        raise NotImplementedError

    async def record(self, request: Request) -> dict[str, Any]:
        """Record the request: method, path, query, lower-cased headers, JSON body."""
        body = await request.body()
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        record = {
            "method": request.method,
            "path": request.url.path,
            "query": dict(request.query_params),
            "headers": {k.lower(): v for k, v in request.headers.items()},
            "json": parsed,
        }
        self.requests.append(record)
        return record

    def scripted_failure(self, request: Request) -> Response | None:
        """The failure ``fail()`` scripted for this request, if any (and use it up)."""
        for failure in self._failures:
            if failure.on is None or failure.on in request.url.path:
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                body = self.error_body(failure.status) if failure.body is None else failure.body
                if isinstance(body, str):
                    return Response(body, failure.status, headers=failure.headers)
                return JSONResponse(body, failure.status, headers=failure.headers)
        return None

    def stream(
        self,
        items: Iterable[Any],
        encode: Callable[[Any], bytes],
        media_type: str,
        *,
        first_token_index: int = 0,
    ) -> StreamingResponse:
        """Stream ``items`` as the knobs say: ``first_token_delay`` before the item at
        ``first_token_index`` (none before a preamble), ``token_delay`` before each later one,
        and a dropped connection after ``cut_after`` items."""
        if self.raw_stream is not None:
            items, encode, first_token_index = self.raw_stream, bytes, 0
        paced = self._paced(list(items), encode, first_token_index)
        return CuttableStream(paced, media_type=media_type)

    async def _paced(
        self, items: list[Any], encode: Callable[[Any], bytes], first_token_index: int
    ) -> AsyncIterator[Any]:
        finished = False
        try:
            if self.trickle is not None:
                items, encode = [b for item in items for b in _bytes(encode(item))], bytes
            for index, item in enumerate(items):
                if self.cut_after is not None and index >= self.cut_after:
                    finished = True
                    yield CUT
                    return
                if self.stall_after is not None and index >= self.stall_after:
                    await asyncio.Event().wait()  # until the client goes away
                if self.trickle is not None:
                    await asyncio.sleep(self.trickle)
                if index < first_token_index:
                    delay = 0.0
                elif index == first_token_index:
                    delay = self.first_token_delay
                else:
                    delay = self.token_delay
                if delay:
                    await asyncio.sleep(delay)
                yield encode(item)
            finished = True
        finally:
            if not finished:
                self.disconnects += 1
