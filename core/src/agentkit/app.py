"""The Starlette host: the HTTP API, the AG-UI chat endpoint and the web page.

    GET  /health                  liveness, no upstream calls
    GET  /providers               providers, their plugin, state and settings
    GET  /models[/{provider}]     providers and their models (cached; ?refresh=true re-lists)
    GET  /agents                  the registered agents
    POST /chat/{agent_id}         AG-UI RunAgentInput in, AG-UI events out (SSE)
    GET  /                        the web page

Problems found before a stream starts are HTTP errors with a JSON body
``{"error": {"code", "message", "hint"?}}``; problems during a run are AG-UI ``RUN_ERROR`` events.
A quiet stream carries an SSE comment (``: keep-alive``) every ``AGENTKIT_KEEPALIVE`` seconds.
"""

from __future__ import annotations

import logging
import re
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
from agentkit.catalog import Catalog
from agentkit.config import HostConfig
from agentkit.errors import AgentKitError, HTTPProblem
from agentkit.limits import RetryPolicy, TimeLimits
from agentkit.middleware import RequestContext
from agentkit.provider import ChatParams
from agentkit.registry import ProviderEntry, Registry
from agentkit.security import Gatekeeper, problem_response, protected
from agentkit.watchdog import LoopWatchdog

logger = logging.getLogger("agentkit.app")

KEEPALIVE = ": keep-alive\n\n"
"""An SSE comment: clients ignore it, proxies see a stream that is still alive."""

MODEL_ID_MAX = 256
UNSAFE_MODEL_ID = re.compile(r"[\x00-\x1f\x7f?#\\]|(^|/)\.\.?(/|$)")
"""What a model id must not hold: control characters, ``?``, ``#``, a backslash, or a ``.`` or
``..`` path segment. Providers put the id in a URL path, where these change the request."""


def create_app(config: HostConfig | None = None, *, registry: Registry | None = None) -> Starlette:
    """Build the host. Without arguments, settings come from the environment and plugins from the
    installed entry points."""
    registry = registry or Registry.load(config)
    config = registry.config
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
        stalls = LoopWatchdog(registry.provider_modules())
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
            Mount("/", StaticFiles(packages=[("agentkit", "static")], html=True)),
        ],
        middleware=middleware,
        exception_handlers={HTTPProblem: _problem, HTTPException: _http_exception},
    )
    app.state.api_key = (config.api_key and config.api_key.get_secret_value()) or None
    app.state.registry = registry
    app.state.catalog = Catalog(registry)
    app.state.retry = RetryPolicy.from_config(config)
    app.state.limits = TimeLimits.from_config(config)
    return app


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok", "version": agentkit.__version__})


async def providers(request: Request) -> Response:
    registry: Registry = request.app.state.registry
    return JSONResponse(
        {
            "providers": registry.describe(),
            "default_provider": registry.config.default_provider,
            "notices": registry.notices,
        }
    )


async def agents(request: Request) -> Response:
    registry: Registry = request.app.state.registry
    return JSONResponse(
        {
            "agents": [agent.to_dict() for agent in registry.agents.values()],
            "default_agent": "chat",
            "errors": registry.agent_errors,
        }
    )


async def models(request: Request) -> Response:
    catalog: Catalog = request.app.state.catalog
    refresh = request.query_params.get("refresh", "").lower() in ("1", "true", "yes")
    provider_id = request.path_params.get("provider_id")
    if provider_id is not None:
        _entry(catalog.registry, provider_id, status=404)
    return JSONResponse(await catalog.document(provider_id, refresh=refresh))


async def chat(request: Request) -> Response:
    from ag_ui.core import RunAgentInput
    from ag_ui.encoder import EventEncoder

    from agentkit.batching import batched
    from agentkit.chat import ChatRun, stream_events
    from agentkit.messages import to_langchain, tool_definitions

    registry: Registry = request.app.state.registry
    catalog: Catalog = request.app.state.catalog
    config = registry.config
    agent = registry.agents.get(request.path_params["agent_id"])
    if agent is None:
        raise HTTPProblem(
            404,
            "agent_not_found",
            f"There is no agent {request.path_params['agent_id']!r}.",
            hint=f"Known agents: {', '.join(registry.agents)}.",
        )
    body = await _read_body(request, config.max_body_bytes)
    try:
        run_input = RunAgentInput.model_validate_json(body)
    except ValidationError as exc:
        raise _invalid_body("The body is not a valid AG-UI RunAgentInput", exc) from None
    forwarded = run_input.forwarded_props or {}
    if not isinstance(forwarded, dict):
        raise HTTPProblem(422, "invalid_body", "forwardedProps must be a JSON object.")

    provider_id = (
        forwarded.get("provider") or request.query_params.get("provider") or config.default_provider
    )
    entry = _entry(registry, provider_id, status=400)
    if entry.provider is None:
        raise HTTPProblem(
            409,
            "provider_not_ready",
            f"{entry.name} is {entry.state}: {registry.redact(entry.error or '')}",
            hint=entry.hint,
        )
    try:
        params = ChatParams.model_validate(forwarded.get("params") or {})
    except ValidationError as exc:
        raise _invalid_body("forwardedProps.params is not valid", exc, prefix="params") from None
    try:
        messages = to_langchain(run_input.messages, run_input.context)
        tools = tool_definitions(run_input.tools or [])
    except AgentKitError as exc:
        raise HTTPProblem(422, "invalid_body", exc.message) from None
    model_id = forwarded.get("model") or request.query_params.get("model")
    if model_id is not None and not isinstance(model_id, str):
        raise HTTPProblem(422, "invalid_body", "forwardedProps.model must be a string.")
    model_id = model_id or await catalog.resolve_default_model(entry)
    if not model_id:
        raise HTTPProblem(
            400,
            "model_required",
            f"No model was chosen and {entry.name} has no default model.",
            hint="Send forwardedProps.model, or configure the provider's default model.",
        )
    _check_model_id(model_id)

    run = ChatRun(
        thread_id=run_input.thread_id,
        run_id=run_input.run_id,
        agent=agent,
        provider=entry.provider,
        model_id=str(model_id),
        params=params,
        tools=tools,
        messages=messages,
        retry=request.app.state.retry,
        models=catalog.chat_models,
        limits=request.app.state.limits,
        plugin=entry.plugin.package,
        redact=registry.redact,
    )
    encoder = EventEncoder(accept=request.headers.get("accept"))

    async def sse() -> AsyncIterator[str]:
        async for events in batched(stream_events(run), idle=config.keepalive):
            yield "".join(map(encoder.encode, events)) if events else KEEPALIVE

    return StreamingResponse(
        sse(),
        media_type=encoder.get_content_type(),
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _entry(registry: Registry, provider_id: str, *, status: int) -> ProviderEntry:
    entry = registry.providers.get(str(provider_id))
    if entry is None:
        known = ", ".join(registry.providers) or "none (install a provider plugin)"
        raise HTTPProblem(
            status,
            "unknown_provider",
            f"There is no provider {provider_id!r}.",
            hint=f"Installed providers: {known}.",
        )
    return entry


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


def _check_model_id(model_id: str) -> None:
    """Refuse a model id no provider can put in a URL safely, before anything is sent."""
    problem = None
    if len(model_id) > MODEL_ID_MAX:
        problem = f"it is {len(model_id)} characters long (at most {MODEL_ID_MAX})"
    elif not model_id.strip():
        problem = "it is blank"
    elif match := UNSAFE_MODEL_ID.search(model_id):
        problem = f"it contains {match.group().strip('/')!r}"
    if problem:
        raise HTTPProblem(
            400,
            "invalid_model",
            f"The model id {model_id[:60]!r} is not valid: {problem}.",
            hint="Use a model id from GET /models.",
        )


def _invalid_body(what: str, exc: ValidationError, prefix: str = "") -> HTTPProblem:
    fields = []
    for error in exc.errors(include_url=False, include_input=False):
        location = ".".join(str(part) for part in (prefix, *error["loc"]) if part != "")
        fields.append({"field": location or "(body)", "message": error["msg"]})
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields[:3])
    return HTTPProblem(422, "invalid_body", f"{what}: {summary}.", fields=fields)


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
