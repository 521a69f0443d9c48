"""Fetching a media part's URL for a provider that cannot fetch it itself (Ollama takes no URLs).

The host fetches on behalf of whoever sent the chat, so the fetch must not become a way into the
user's network: only the allowed schemes (``AGENTKIT_FETCH_SCHEMES``, https by default), within a
time limit (``AGENTKIT_FETCH_TIMEOUT``) and a size limit (``AGENTKIT_MAX_PART_BYTES``), and never
to a loopback, private, link-local or otherwise non-public address unless
``AGENTKIT_FETCH_PRIVATE_URLS=true``. The address is checked when the connection is made, after
name resolution and for every redirect, so a name that resolves to a private address (or changes
what it resolves to between a check and the connection: DNS rebinding) is refused too. Proxies
from the environment are not used: the check must apply to the connection that fetches.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from agentkit import http

MAX_REDIRECTS = 5


class FetchRefused(Exception):
    """A URL the host will not fetch, or could not: the message says why, for a person."""


@dataclass(frozen=True)
class Fetched:
    data: bytes
    mime_type: str | None


class _PublicOnly(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to public addresses: the host name is resolved
    here and the connection made to the address that was checked."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror:
            raise FetchRefused(f"the name {host!r} does not resolve") from None
        addresses = [info[4][0] for info in infos]
        for address in addresses:
            if not self.allow_private and not is_public(address):
                raise FetchRefused(
                    f"{host} is a private, loopback or link-local address ({address}); set "
                    "AGENTKIT_FETCH_PRIVATE_URLS=true to allow fetching from it"
                )
        return await self.inner.connect_tcp(
            addresses[0], port, timeout, local_address, socket_options
        )

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        raise FetchRefused("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def is_public(address: str) -> bool:
    """Whether ``address`` is a globally routable unicast address (IPv4-mapped IPv6 judged as the
    IPv4 address it maps)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class Fetcher:
    """Fetches URLs under the host's rules (see the module's docs)."""

    def __init__(
        self,
        *,
        schemes: list[str] | frozenset[str],
        max_bytes: int,
        timeout: float,
        allow_private: bool = False,
    ) -> None:
        self.schemes = frozenset(s.lower() for s in schemes)
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.allow_private = allow_private

    async def fetch(self, url: str) -> Fetched:
        """The body at ``url`` and its type; raises ``FetchRefused`` saying why not."""
        try:
            async with asyncio.timeout(self.timeout), self._client() as client:
                return await self._follow(client, url)
        except TimeoutError:
            raise FetchRefused(f"it did not answer within {self.timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise FetchRefused(f"the request failed ({type(exc).__name__})") from None

    def _client(self) -> httpx.AsyncClient:
        transport = httpx.AsyncHTTPTransport(verify=http.tls_context())
        transport._pool = httpcore.AsyncConnectionPool(  # the pool behind the transport
            ssl_context=http.tls_context(),
            network_backend=_PublicOnly(self.allow_private),
        )
        return httpx.AsyncClient(transport=transport, trust_env=False, follow_redirects=False)

    async def _follow(self, client: httpx.AsyncClient, url: str) -> Fetched:
        for _ in range(MAX_REDIRECTS + 1):
            self._check_scheme(url)
            async with client.stream("GET", url) as response:
                if response.is_redirect and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    continue
                if response.status_code != 200:
                    raise FetchRefused(f"it answered HTTP {response.status_code}")
                return Fetched(await self._body(response), _mime(response))
        raise FetchRefused(f"it redirected more than {MAX_REDIRECTS} times")

    def _check_scheme(self, url: str) -> None:
        scheme = urlsplit(url).scheme.lower()
        if scheme not in self.schemes:
            allowed = ", ".join(sorted(self.schemes))
            raise FetchRefused(
                f"{scheme or 'no'} URLs are not fetched (allowed: {allowed}; "
                "AGENTKIT_FETCH_SCHEMES sets them)"
            )

    async def _body(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_large()
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > self.max_bytes:
                raise self._too_large()
        return bytes(body)

    def _too_large(self) -> FetchRefused:
        return FetchRefused(
            f"it is larger than {self.max_bytes / 1e6:g} MB (AGENTKIT_MAX_PART_BYTES)"
        )


def _mime(response: httpx.Response) -> str | None:
    kind = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return kind or None
