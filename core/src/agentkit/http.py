"""HTTP plumbing for plugins: one TLS context for the process, one connection pool per provider and
event loop, and timeouts that leave the time limits to the host.

The host reuses chat models (``agentkit.chat_models``), but a request with a new ``seed`` or
``temperature`` is a new model, and building one used to mean new SDK clients: each loaded the CA
bundle into a TLS context of its own (about 30 ms of CPU and a megabyte apiece, two per model) and
opened a connection pool that nothing closed when the model was dropped. A plugin hands its SDK
the provider's shared transport instead, wherever the SDK takes httpx client arguments::

    from agentkit import http

    def chat_model(self, model, params):
        transport = http.shared_transport(self)
        return ChatSomething(..., client_kwargs={"transport": transport})
        # or: http_async_client=httpx.AsyncClient(transport=transport, timeout=http.timeout())

The transport serves sync and async clients alike (SDKs build both from one set of arguments),
and closing it through a client does nothing: clients come and go with models, and the host closes
the pools when it stops. Connections are bound to the event loop that opened them, so there is one
transport per provider and loop. Outside an event loop (a script, a test building a model to look
at it) every call returns a transport of its own.

Timeouts: a connection must open within ``CONNECT_TIMEOUT`` seconds, so a dead address fails in
seconds, not minutes; the transport enforces it even when an SDK asks for no timeout at all. Reads
have no limit here: the host bounds the first token, the silence between chunks and the whole run
the same way for every provider (``agentkit.limits``), and listing (``AGENTKIT_LIST_TIMEOUT``).

A lister reads as URL -> JSON -> models::

    async with http.client(self, headers=...) as client:
        body = await http.get_json(client, f"{self.settings.base_url}/models")
    return [Model(item["id"]) for item in body["data"]]

An error status, a body that is not JSON, a dead address: each is raised as it is and becomes the
error a user sees through the host's one error path (``agentkit.translation``).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import ssl
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

T = TypeVar("T")

CONNECT_TIMEOUT = 10.0
"""Seconds to open a connection (TCP and TLS) before the provider counts as unreachable."""

KEEPALIVE_CONNECTIONS = 20
"""Idle connections a pool keeps open for the next request."""

_serving_loop: contextvars.ContextVar[asyncio.AbstractEventLoop | None] = contextvars.ContextVar(
    "agentkit_serving_loop", default=None
)
_pools: dict[asyncio.AbstractEventLoop, dict[int, tuple[object, SharedTransport]]] = {}
_lock = threading.Lock()


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The process's TLS context for verifying servers, as httpx builds it (certifi's CA bundle,
    or ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` when set). Built once; safe to share."""
    return httpx.create_ssl_context()


def timeout() -> httpx.Timeout:
    """``CONNECT_TIMEOUT`` to connect, no limit on reads (the host's time limits apply)."""
    return httpx.Timeout(None, connect=CONNECT_TIMEOUT)


def limits() -> httpx.Limits:
    """No cap on concurrent connections: the host shares one model, and so one pool, between
    concurrent runs, and httpx's default cap of 100 would make the 101st run wait with no
    timeout. ``KEEPALIVE_CONNECTIONS`` idle connections are kept."""
    return httpx.Limits(max_connections=None, max_keepalive_connections=KEEPALIVE_CONNECTIONS)


class SharedTransport(httpx.AsyncBaseTransport, httpx.BaseTransport):
    """A provider's connection pools on one event loop: async for streaming, sync (opened on
    first use) for the rare blocking call. Every request gets ``CONNECT_TIMEOUT`` to connect."""

    def __init__(self) -> None:
        self._async = httpx.AsyncHTTPTransport(verify=tls_context(), limits=limits())
        self._sync: httpx.HTTPTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._async.handle_async_request(_bounded(request))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._sync is None:
            self._sync = httpx.HTTPTransport(verify=tls_context(), limits=limits())
        return self._sync.handle_request(_bounded(request))

    async def aclose(self) -> None:
        """Nothing: a client closing is a model going; the pools stay for the others."""

    def close(self) -> None:
        """Nothing, as for :meth:`aclose`."""

    async def close_pools(self) -> None:
        """Close the pools for good (the host, when it stops)."""
        await self._async.aclose()
        if self._sync is not None:
            self._sync.close()


def _bounded(request: httpx.Request) -> httpx.Request:
    timeouts = request.extensions.get("timeout") or {}
    if timeouts.get("connect") is None:
        request.extensions["timeout"] = {**timeouts, "connect": CONNECT_TIMEOUT}
    return request


def shared_transport(owner: object) -> SharedTransport:
    """The transport every model built for ``owner`` (a provider) shares on the serving event
    loop, created on first use."""
    loop = serving_loop()
    if loop is None:
        return SharedTransport()
    with _lock:
        for closed in [other for other in _pools if other.is_closed()]:
            del _pools[closed]
        pools = _pools.setdefault(loop, {})
        entry = pools.get(id(owner))
        if entry is None or entry[0] is not owner:
            entry = (owner, SharedTransport())
            pools[id(owner)] = entry
        return entry[1]


async def close_shared_transports() -> None:
    """Close the running loop's shared pools (the host calls this when it shuts down)."""
    with _lock:
        pools = _pools.pop(asyncio.get_running_loop(), {})
    for _, transport in pools.values():
        await transport.close_pools()


def client(owner: object, **kwargs: Any) -> httpx.AsyncClient:
    """An httpx client on ``owner``'s shared transport, for a lister's requests (``kwargs`` go to
    ``httpx.AsyncClient``: headers, params...). Open it with ``async with``, so that the host's
    listing timeout, cancelling the lister, leaves no request behind."""
    kwargs.setdefault("timeout", timeout())
    return httpx.AsyncClient(transport=shared_transport(owner), **kwargs)


async def get_json(client: httpx.AsyncClient, url: str, **kwargs: Any) -> Any:
    """GET ``url`` and return its JSON body. An error status raises ``httpx.HTTPStatusError``,
    a body that is not JSON a ``ValueError``; let them propagate: the host's error path reads the
    status, the error body and Retry-After from them."""
    response = await client.get(url, **kwargs)
    response.raise_for_status()
    return response.json()


def serving_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop the caller serves: the running one, or, in a worker thread started with
    :func:`to_thread`, the loop that started it."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return _serving_loop.get()


async def to_thread(function: Callable[..., T], /, *args: object) -> T:
    """Run ``function(*args)`` in a worker thread that knows the caller's event loop, so what it
    builds binds to that loop. The host builds chat models this way: the first build imports the
    provider's SDK (about a second), which would otherwise freeze every other stream."""
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    context.run(_serving_loop.set, loop)
    return await loop.run_in_executor(None, functools.partial(context.run, function, *args))
