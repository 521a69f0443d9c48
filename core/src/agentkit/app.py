"""The Starlette host: the HTTP API, the AG-UI chat endpoint and the web page.

    GET  /health                  liveness, no upstream calls
    GET  /providers               providers, their plugin, state and settings
    GET  /models[/{provider}]     providers and their models (cached; ?refresh=true re-lists)
    GET  /agents                  the registered agents, and the request size limits
    POST /chat/{agent_id}         AG-UI RunAgentInput in, AG-UI events out (SSE)
    GET  /                        the web page

Problems found before a stream starts are HTTP errors with a JSON body
``{"error": {"code", "message", "hint"?}}``; problems during a run are AG-UI ``RUN_ERROR`` events.
A quiet stream carries an SSE comment (``: keep-alive``) every ``AGENTKIT_KEEPALIVE`` seconds.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

import agentkit
from agentkit.config import HostConfig
from agentkit.errors import HTTPProblem
from agentkit.host import Host, invalid_body
from agentkit.middleware import RequestContext
from agentkit.registry import Registry
from agentkit.security import Gatekeeper, problem_response, protected
from agentkit.watchdog import LoopWatchdog

logger = logging.getLogger("agentkit.app")

KEEPALIVE = ": keep-alive\n\n"
"""An SSE comment: clients ignore it, proxies see a stream that is still alive."""


def create_app(config: HostConfig | None = None, *, registry: Registry | None = None) -> Starlette:
    """Build the host. Without arguments, settings come from the environment and plugins from the
    installed entry points."""
    host = Host(registry or Registry.load(config))
    config = host.config
    middleware = [Middleware(RequestContext), Middleware(Gatekeeper, config=config)]
    if config.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=config.cors_origins,
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "Accept", "X-Request-ID"],
                expose_headers=["X-Request-ID"],
            )
        )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stalls = LoopWatchdog(host.registry.provider_modules())
        stalls.start()
        try:
            yield
        finally:
            from agentkit import http  # imports httpx: not at start-up

            stalls.stop()
            await http.close_shared_transports()

    app = Starlette(
        lifespan=lifespan,
        routes=[
            Route("/health", health),
            Route("/providers", protected(providers)),
            Route("/models", protected(models)),
            Route("/models/{provider_id}", protected(models)),
            Route("/agents", protected(agents)),
            Route("/chat/{agent_id}", protected(chat), methods=["POST"]),
            Route("/chat/{agent_id}/capabilities", protected(capabilities)),
            Mount("/", StaticFiles(packages=[("agentkit", "static")], html=True)),
        ],
        middleware=middleware,
        exception_handlers={HTTPProblem: _problem, HTTPException: _http_exception},
    )
    app.state.host = host
    return app


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok", "version": agentkit.__version__})


async def providers(request: Request) -> Response:
    registry = request.app.state.host.registry
    return JSONResponse(
        {
            "providers": registry.describe(),
            "default_provider": registry.config.default_provider,
            "notices": registry.notices,
        }
    )


async def agents(request: Request) -> Response:
    host: Host = request.app.state.host
    return JSONResponse(
        {
            "agents": [agent.to_dict() for agent in host.registry.agents.values()],
            "default_agent": "chat",
            "errors": host.registry.agent_errors,
            "limits": {  # what a client may send, so it can stop a file before uploading it
                "max_body_bytes": host.config.max_body_bytes,
                "max_part_bytes": host.config.max_part_bytes,
            },
        }
    )


async def models(request: Request) -> Response:
    host: Host = request.app.state.host
    refresh = request.query_params.get("refresh", "").lower() in ("1", "true", "yes")
    provider_id = request.path_params.get("provider_id")
    if provider_id is not None:
        host.provider_entry(provider_id, status=404)
    return JSONResponse(await host.catalog.document(provider_id, refresh=refresh))


async def capabilities(request: Request) -> Response:
    """AG-UI's ``AgentCapabilities`` for the agent with the query's (or the default) model."""
    host: Host = request.app.state.host
    query = request.query_params
    described = await host.capabilities(
        request.path_params["agent_id"], provider=query.get("provider"), model=query.get("model")
    )
    return JSONResponse(described)


async def chat(request: Request) -> Response:
    """HTTP around :meth:`Host.prepare_run`: the body in, the run's events out as SSE."""
    from ag_ui.core import RunAgentInput
    from ag_ui.encoder import EventEncoder

    from agentkit.batching import batched
    from agentkit.chat import stream_events

    host: Host = request.app.state.host
    host.agent(request.path_params["agent_id"])  # an unknown agent is 404 before the body is read
    body = await _read_body(request, host.config.max_body_bytes)
    try:
        run_input = RunAgentInput.model_validate_json(body)
    except ValidationError as exc:
        raise invalid_body("The body is not a valid AG-UI RunAgentInput", exc) from None
    query = request.query_params
    run = await host.prepare_run(
        request.path_params["agent_id"],
        run_input,
        provider=query.get("provider"),
        model=query.get("model"),
    )
    encoder = EventEncoder(accept=request.headers.get("accept"))

    async def sse() -> AsyncIterator[str]:
        async for events in batched(stream_events(run), idle=host.config.keepalive):
            yield "".join(map(encoder.encode, events)) if events else KEEPALIVE

    return StreamingResponse(
        sse(),
        media_type=encoder.get_content_type(),
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _read_body(request: Request, limit: int) -> bytes:
    too_large = HTTPProblem(
        413,
        "payload_too_large",
        f"The request body is larger than {limit} bytes.",
        hint="Shorten the conversation, or raise AGENTKIT_MAX_BODY_BYTES.",
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise too_large
    except ClientDisconnect:
        raise HTTPProblem(
            400, "client_disconnected", "The client went away while sending the request."
        ) from None
    return bytes(body)


async def _problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPProblem)
    return problem_response(exc)


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return problem_response(
        HTTPProblem(exc.status_code, code, str(exc.detail), headers=exc.headers)
    )


__all__ = ["HTTPProblem", "create_app"]
