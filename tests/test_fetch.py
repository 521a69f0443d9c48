"""Fetching a media part's URL for a provider that cannot: only allowed schemes, within a size
and a time limit, and never to a private address unless the setting allows it (checked at
connection time, redirects included), so a chat cannot reach the user's own network."""

from __future__ import annotations

import asyncio
import base64

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from agentkit.fetch import Fetcher, FetchRefused, is_public
from agentkit.testing import chat, error_of, run_input, serve, silent_server

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


async def png(request):
    return Response(PNG, media_type="image/png")


async def big(request):
    return Response(b"\0" * 5000, media_type="image/png")


async def page(request):
    return Response(b"<html></html>", media_type="text/html")


async def hop(request):
    return RedirectResponse(str(request.url_for("png")))


async def loop(request):
    return RedirectResponse(str(request.url))


FILES = Starlette(
    routes=[
        Route("/cat.png", png, name="png"),
        Route("/big.png", big),
        Route("/page", page),
        Route("/hop", hop),
        Route("/loop", loop),
    ]
)


@pytest.fixture(scope="module")
def files():
    with serve(FILES) as url:
        yield url


def fetcher(**kw) -> Fetcher:
    options = {"schemes": ["http", "https"], "max_bytes": 1000, "timeout": 2.0}
    return Fetcher(**{**options, **kw})


def fetch(url: str, **kw):
    return asyncio.run(fetcher(**kw).fetch(url))


def refusal(url: str, **kw) -> str:
    with pytest.raises(FetchRefused) as caught:
        fetch(url, **kw)
    return str(caught.value)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.10", False),
        ("172.16.5.4", False),
        ("169.254.169.254", False),  # the cloud metadata service
        ("100.64.0.1", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
    ],
)
def test_only_public_unicast_addresses_are_public(address, public):
    assert is_public(address) is public


def test_a_loopback_address_is_refused_by_default(files):
    message = refusal(f"{files}/cat.png")
    assert "private, loopback or link-local" in message
    assert "AGENTKIT_FETCH_PRIVATE_URLS" in message


def test_a_name_that_resolves_to_loopback_is_refused(files):
    port = files.rsplit(":", 1)[1]
    assert "127.0.0.1" in refusal(f"http://localhost:{port}/cat.png")


def test_the_setting_allows_private_addresses(files):
    fetched = fetch(f"{files}/cat.png", allow_private=True)
    assert fetched.data == PNG and fetched.mime_type == "image/png"


def test_only_allowed_schemes_are_fetched(files):
    assert "http URLs are not fetched (allowed: https" in refusal(
        f"{files}/cat.png", schemes=["https"], allow_private=True
    )
    assert "file URLs are not fetched" in refusal("file:///etc/passwd")


def test_a_body_over_the_limit_is_refused(files):
    assert "larger than 0.001 MB" in refusal(f"{files}/big.png", allow_private=True)


def test_a_silent_server_is_given_up_on_in_time():
    with silent_server() as server:
        message = refusal(f"{server.url}/x", timeout=0.5, allow_private=True)
    assert "did not answer within 0.5 s" in message


def test_redirects_are_followed_and_checked(files):
    assert fetch(f"{files}/hop", allow_private=True).data == PNG
    assert "redirected more than 5 times" in refusal(f"{files}/loop", allow_private=True)


def test_a_url_source_is_fetched_for_a_provider_that_cannot(host, script, files):
    url = host(AGENTKIT_FETCH_PRIVATE_URLS="true", AGENTKIT_FETCH_SCHEMES="http,https")
    part = {"type": "image", "source": {"type": "url", "value": f"{files}/cat.png"}}
    messages = [{"id": "u1", "role": "user", "content": [{"type": "text", "text": "?"}, part]}]

    events = chat(url, run_input(messages))

    assert error_of(events) is None
    block = script.calls[-1]["messages"][-1].content[1]
    assert block == {
        "type": "image",
        "base64": base64.b64encode(PNG).decode(),
        "mime_type": "image/png",
    }


@pytest.mark.parametrize(
    ("path", "env", "expected"),
    [
        ("/cat.png", {}, "AGENTKIT_FETCH_PRIVATE_URLS"),
        ("/page", {"AGENTKIT_FETCH_PRIVATE_URLS": "true"}, "is text/html, not image/*"),
    ],
)
def test_a_url_that_cannot_be_fetched_is_a_422_naming_it(host, script, files, path, env, expected):
    url = host(AGENTKIT_FETCH_SCHEMES="http,https", **env)
    part = {"type": "image", "source": {"type": "url", "value": f"{files}{path}"}}
    messages = [{"id": "u1", "role": "user", "content": [{"type": "text", "text": "?"}, part]}]

    response = httpx.post(f"{url}/chat/chat", json=run_input(messages), timeout=30)

    assert response.status_code == 422
    error = response.json()["error"]
    assert f"{files}{path}" in error["message"] and expected in error["message"]
    assert script.calls == []
