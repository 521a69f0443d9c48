"""ASGI middleware: request ids with an access log line, and optional bearer-token auth.

Both are plain ASGI so streaming responses pass through untouched.
"""

from __future__ import annotations

import hmac
import logging
import time
import uuid

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agentkit.logs import request_id

access_log = logging.getLogger("agentkit.access")


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
        rid = headers.get(b"x-request-id", b"").decode("latin-1")[:64] or uuid.uuid4().hex[:16]
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


class BearerAuth:
    """Requires ``Authorization: Bearer <AGENTKIT_API_KEY>`` on the API paths. The page's static
    files and ``/health`` stay public: the page asks the person for the key."""

    def __init__(self, app: ASGIApp, api_key: str, protected: tuple[str, ...]) -> None:
        self.app = app
        self.expected = f"Bearer {api_key}".encode()
        self.protected = protected

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] == "OPTIONS"
            or not self._guards(scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"authorization", b"")
        if hmac.compare_digest(given, self.expected):
            await self.app(scope, receive, send)
            return
        response = JSONResponse(
            {
                "error": {
                    "code": "unauthorized",
                    "message": "This AgentKit host requires an API key.",
                    "hint": "Send the header 'Authorization: Bearer <AGENTKIT_API_KEY>'.",
                }
            },
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
        await response(scope, receive, send)

    def _guards(self, path: str) -> bool:
        return any(path == p or path.startswith(p + "/") for p in self.protected)
