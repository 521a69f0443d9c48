"""ASGI middleware: a request id and an access log line for every request (the request checks
and authentication are in ``agentkit.security``).

Plain ASGI, so streaming responses pass through untouched.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agentkit.logs import request_id

access_log = logging.getLogger("agentkit.access")

REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
"""A client's ``X-Request-ID`` is used when it looks like one; it goes into every log line."""


class RequestContext:
    """Gives each request an id (from ``X-Request-ID`` or new), returns it as a header, and
    logs one line per request when its response ends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        rid = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex[:16]
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            access_log.info(
                "%s %s %d %.1fms",
                scope["method"],
                scope["path"],
                status,
                (time.perf_counter() - started) * 1000,
            )
            request_id.reset(token)
