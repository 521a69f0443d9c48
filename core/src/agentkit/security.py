"""What a request must show before the host acts on it. Closed by default.

The host runs next to a browser and holds cloud keys, so anything a browser can reach is hostile
until checked. Checked here, before any route runs:

- the ``Host`` header names this host (``AGENTKIT_ALLOWED_HOSTS``, which takes ``*.example.com``
  and ``*``; by default the loopback names and the bound address), so a DNS-rebinding page cannot
  read the API (400 ``host_not_allowed``);
- the path holds no control characters (400 ``invalid_path``);
- a request that changes state (POST and the like) is JSON (415 ``unsupported_media_type``): a
  page can send ``text/plain`` or a form anywhere without asking, never JSON to another origin;
- its ``Origin``, when a browser sends one, is the host's own or one of ``AGENTKIT_CORS_ORIGINS``
  (403 ``origin_not_allowed``). Clients that are not browsers send none.

And with ``AGENTKIT_API_KEY`` set, the API routes require ``Authorization: Bearer <key>`` (any case
of ``Bearer``): :func:`protected` wraps each API endpoint, so the check applies to the route the
router resolved, whatever spelling of the path reached it (401 ``unauthorized``).
"""

from __future__ import annotations

import functools
import hmac
import re
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from agentkit.config import HostConfig
from agentkit.errors import HTTPProblem

LOOPBACK = ("localhost", "127.0.0.1", "::1")
EVERY_INTERFACE = ("0.0.0.0", "::", "")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def allowed_hosts(config: HostConfig) -> list[str] | None:
    """The host names requests may carry, or ``None`` for any (bound to every interface with no
    list set)."""
    if config.allowed_hosts:
        return [host.lower().strip("[]") for host in config.allowed_hosts]
    if open_to_any_host(config):
        return None
    return [*LOOPBACK, config.host.lower().strip("[]")]


def open_to_any_host(config: HostConfig) -> bool:
    """Whether the host accepts any ``Host`` name: bound to every interface, no list set."""
    return not config.allowed_hosts and config.host in EVERY_INTERFACE


class Gatekeeper:
    """ASGI middleware applying the checks above to every HTTP request."""

    def __init__(self, app: ASGIApp, config: HostConfig) -> None:
        self.app = app
        self.hosts = allowed_hosts(config)
        self.origins = {origin.rstrip("/").lower() for origin in config.cors_origins}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = self.check(scope)
        if problem is not None:
            await problem_response(problem)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def check(self, scope: Scope) -> HTTPProblem | None:
        headers = {
            name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]
        }
        host = headers.get("host", "")
        if self.hosts is not None and host and not _host_allowed(_hostname(host), self.hosts):
            return HTTPProblem(
                400,
                "host_not_allowed",
                f"This AgentKit host does not answer to the name {host[:100]!r}.",
                hint="If you reach it under that name, add it to AGENTKIT_ALLOWED_HOSTS.",
            )
        if CONTROL.search(scope["path"]):
            return HTTPProblem(400, "invalid_path", "The path holds control characters.")
        if scope["method"] in SAFE_METHODS:
            return None
        origin = headers.get("origin")
        if origin is not None and not self._trusted(origin, host):
            return HTTPProblem(
                403,
                "origin_not_allowed",
                f"Requests from the web page at {origin[:100]!r} may not use this host.",
                hint="To let that page use it, add its origin to AGENTKIT_CORS_ORIGINS.",
            )
        media_type = headers.get("content-type", "").partition(";")[0].strip().lower()
        if media_type != "application/json":
            return HTTPProblem(
                415,
                "unsupported_media_type",
                f"The body must be JSON (Content-Type: application/json), not "
                f"{media_type or 'unspecified'!r}.",
            )
        return None

    def _trusted(self, origin: str, host: str) -> bool:
        origin = origin.rstrip("/").lower()
        same = origin.partition("://")[2] == host.lower()
        return same or origin in self.origins


def _host_allowed(name: str, allowed: list[str]) -> bool:
    """``name`` is listed, or matches ``*`` (any) or ``*.example.com`` (any subdomain)."""
    for pattern in allowed:
        if pattern == "*" or name == pattern:
            return True
        if pattern.startswith("*.") and name.endswith(pattern[1:]):
            return True
    return False


def _hostname(host: str) -> str:
    """``Host`` header -> name: no port, no IPv6 brackets, no trailing dot, lower case."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rpartition(":")[0].rstrip(".") if ":" in host else host.rstrip(".")


def protected(endpoint: Callable[[Request], Awaitable[Response]]) -> Callable:
    """Require the API key (when one is set) on ``endpoint``."""

    @functools.wraps(endpoint)
    async def guarded(request: Request) -> Response:
        key: str | None = request.app.state.host.api_key
        if key is not None and not _authorised(request.headers.get("authorization", ""), key):
            raise HTTPProblem(
                401,
                "unauthorized",
                "This AgentKit host requires an API key.",
                hint="Send the header 'Authorization: Bearer <AGENTKIT_API_KEY>'.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return await endpoint(request)

    return guarded


def _authorised(header: str, key: str) -> bool:
    scheme, _, token = header.strip().partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), key.encode())


def problem_response(problem: HTTPProblem) -> JSONResponse:
    """The JSON answer for ``problem``, the one shape of every HTTP error the host sends."""
    return JSONResponse(problem.body(), status_code=problem.status, headers=problem.headers)
