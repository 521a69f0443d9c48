"""Closed by default: what a browser page, a rebinding DNS name, a spelling of a path or a hostile
plugin can get out of a host. Every case is refused, or its secret redacted."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from agentkit.testing import free_port, run_input, serve

KEY = "host-key-9f8e7d6c5b4a"


def raw_request(url: str, target: str, *, method: str = "GET", headers: str = "") -> tuple:
    """Send ``target`` exactly as written (no client normalises it); returns (status, body)."""
    address = urlsplit(url)
    request = (
        f"{method} {target} HTTP/1.1\r\nHost: {address.netloc}\r\n{headers}"
        "Content-Length: 0\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(request.encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode("latin-1")


PATH_VARIANTS = [
    "/providers%0A",
    "/providers%0D",
    "/providers%00",
    "/providers%0A%0D",
    "/providers/",
    "//providers",
    "/./providers",
    "/x/../providers",
    "/PROVIDERS",
    "/Providers",
    "/%70roviders",
    "/providers%2F",
    "/providers;x=1",
    "/providers?x=1",
    "/models%0A?refresh=true",
    "/models/fake%0A",
    "/models/",
    "/agents%0A",
    "/agents%09",
]


@pytest.mark.parametrize("target", PATH_VARIANTS)
def test_no_spelling_of_a_protected_path_reaches_data_without_the_key(host, script, target):
    url = host(AGENTKIT_API_KEY=KEY)

    status, body = raw_request(url, target)

    assert status != 200 or "fake" not in body, f"{target} answered {status}: {body[:200]}"
    assert "agentkit-fake" not in body and '"models"' not in body


@pytest.mark.parametrize("target", ["/chat/chat%0A", "/chat//chat", "/chat/chat/", "/CHAT/chat"])
def test_no_spelling_of_the_chat_path_runs_a_chat_without_the_key(host, script, target):
    url = host(AGENTKIT_API_KEY=KEY)
    status, body = raw_request(
        url, target, method="POST", headers="Content-Type: application/json\r\n"
    )
    assert status != 200, body
    assert script.calls == []


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_the_authorization_scheme_is_case_insensitive(host, script, scheme):
    url = host(AGENTKIT_API_KEY=KEY)
    response = httpx.get(f"{url}/providers", headers={"Authorization": f"{scheme} {KEY}"})
    assert response.status_code == 200


@pytest.mark.parametrize("header", [f"Basic {KEY}", f"Bearer {KEY}x", "Bearer", f"Token {KEY}"])
def test_a_wrong_authorization_is_401_with_a_json_body(host, script, header):
    url = host(AGENTKIT_API_KEY=KEY)
    response = httpx.get(f"{url}/models", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"


def test_health_and_the_page_stay_public_with_a_key(host, script):
    url = host(AGENTKIT_API_KEY=KEY)
    assert httpx.get(f"{url}/health").status_code == 200
    assert httpx.get(f"{url}/").status_code == 200


# --- cross-site requests -----------------------------------------------------------------


FOREIGN = "https://evil.example"


def post_chat(url: str, *, origin: str | None, content_type: str, body: bytes | None = None):
    headers = {"Content-Type": content_type}
    if origin is not None:
        headers["Origin"] = origin
    content = body if body is not None else json.dumps(run_input("hi")).encode()
    return httpx.post(f"{url}/chat/chat", content=content, headers=headers, timeout=10)


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/json"]
)
def test_a_foreign_page_cannot_run_chats(host, script, content_type):
    url = host()
    response = post_chat(url, origin=FOREIGN, content_type=content_type)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "origin_not_allowed"
    assert "AGENTKIT_CORS_ORIGINS" in error["hint"]
    assert script.calls == []


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data; boundary=x", ""])
def test_a_chat_must_be_json_even_without_an_origin(host, script, content_type):
    response = post_chat(host(), origin=None, content_type=content_type)
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert script.calls == []


def test_the_hosts_own_page_and_clients_without_an_origin_can_chat(host, script):
    url = host()
    own = post_chat(url, origin=url, content_type="application/json; charset=utf-8")
    plain = post_chat(url, origin=None, content_type="application/json")
    assert own.status_code == plain.status_code == 200
    assert len(script.calls) == 2


def test_an_origin_listed_in_cors_origins_can_chat(host, script):
    url = host(AGENTKIT_CORS_ORIGINS="https://app.example")
    allowed = post_chat(url, origin="https://app.example", content_type="application/json")
    other = post_chat(url, origin=FOREIGN, content_type="application/json")
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://app.example"
    assert other.status_code == 403


def test_an_opaque_origin_is_foreign(host, script):
    response = post_chat(host(), origin="null", content_type="application/json")
    assert response.status_code == 403


# --- DNS rebinding -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/providers", "/models", "/", "/health"])
def test_a_foreign_host_name_is_refused(host, script, path):
    url = host()
    response = httpx.get(f"{url}{path}", headers={"Host": "rebound.evil.example"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "host_not_allowed"
    assert "AGENTKIT_ALLOWED_HOSTS" in error["hint"]
    assert script.list_calls == 0


@pytest.mark.parametrize("name", ["localhost", "LOCALHOST", "127.0.0.1", "[::1]", "localhost."])
def test_the_loopback_names_are_allowed_by_default(host, script, name):
    port = urlsplit(host()).port
    response = httpx.get(f"http://127.0.0.1:{port}/providers", headers={"Host": f"{name}:{port}"})
    assert response.status_code == 200


def test_an_allowlist_replaces_the_default(host, script):
    url = host(AGENTKIT_ALLOWED_HOSTS="agentkit.lan, *.internal.example")
    assert httpx.get(f"{url}/providers", headers={"Host": "agentkit.lan"}).status_code == 200
    assert httpx.get(f"{url}/providers").status_code == 400  # 127.0.0.1 is not listed


def test_bound_to_every_interface_without_a_list_any_name_is_accepted(host, script):
    url = host(AGENTKIT_HOST="0.0.0.0")
    response = httpx.get(f"{url}/providers", headers={"Host": "my-laptop.lan:8000"})
    assert response.status_code == 200


def test_serving_on_every_interface_without_a_list_warns_at_start(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AGENTKIT_", "OLLAMA_"))}
    agentkit = str(Path(sys.executable).with_name("agentkit"))
    proc = subprocess.Popen(
        [agentkit, "serve", "--host", "0.0.0.0", "--port", str(port)],
        cwd=tmp_path,
        env={**env, "AGENTKIT_PLUGINS": "nothing-at-all"},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_health(f"http://127.0.0.1:{port}")
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=10)
    [warning] = [line for line in stderr.splitlines() if line.startswith("warning:")]
    assert "AGENTKIT_ALLOWED_HOSTS" in warning and "AGENTKIT_API_KEY" in warning


def wait_for_health(url: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError(f"{url} did not start")


# --- secrets -------------------------------------------------------------------------------

PASSWORD = "S3cret-Passw0rd-42"
CREDENTIALS = base64.b64encode(f"admin:{PASSWORD}".encode()).decode()


def echoing_proxy() -> Starlette:
    """An authenticating proxy in front of Ollama that refuses everything and echoes what it was
    sent: the Authorization header (the base64 credentials), in JSON for chats and in a long
    plain-text page for listings (which the plugin cuts at 200 characters, mid-credentials)."""

    async def tags(request: Request) -> PlainTextResponse:
        echoed = request.headers.get("authorization", "")
        padding = "x" * (190 - len("denied: Basic "))
        return PlainTextResponse(f"denied: {padding}{echoed} for {request.url}", 502)

    async def chat(request: Request) -> JSONResponse:
        echoed = request.headers.get("authorization", "")
        return JSONResponse({"error": f"proxy refused {echoed} at {request.url}"}, 500)

    return Starlette(routes=[Route("/api/tags", tags), Route("/api/chat", chat, methods=["POST"])])


def leaks(text: str) -> list[str]:
    """Every secret, or a leading part of one of 8+ characters, found in ``text``."""
    found = []
    for secret in (PASSWORD, CREDENTIALS):
        for length in range(len(secret), 7, -1):
            if secret[:length] in text:
                found.append(secret[:length])
                break
    return found


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_credentials_in_a_url_setting_never_leave_the_host(tmp_path, log_format):
    with serve(echoing_proxy()) as proxy:
        base_url = proxy.replace("://", f"://admin:{PASSWORD}@")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("AGENTKIT_", "OLLAMA_"))},
            "OLLAMA_BASE_URL": base_url,
            "AGENTKIT_PLUGINS": "ollama,typo",  # a warning while loading, logged like the rest
            "AGENTKIT_LOG_FORMAT": log_format,
            "AGENTKIT_RETRY_ATTEMPTS": "1",
        }
        agentkit = str(Path(sys.executable).with_name("agentkit"))
        outputs = {
            "agentkit providers": run(agentkit, "providers", env=env, cwd=tmp_path),
            "agentkit providers --json": run(
                agentkit, "providers", "--json", env=env, cwd=tmp_path
            ),
            "agentkit models": run(agentkit, "models", env=env, cwd=tmp_path),
        }
        port = free_port()
        proc = subprocess.Popen(
            [agentkit, "serve", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for_health(url)
            for path in ("/providers", "/models", "/models/ollama?refresh=true"):
                outputs[f"GET {path}"] = httpx.get(url + path, timeout=10).text
            body = run_input("hi", provider="ollama", model="qwen:7b")
            outputs["a chat"] = httpx.post(f"{url}/chat/chat", json=body, timeout=10).text
            outputs["a forged log line"] = httpx.get(f"{url}/x%0AFORGED%20line", timeout=10).text
        finally:
            proc.terminate()
            _, outputs["the log"] = proc.communicate(timeout=10)

    found = {where: leaks(text) for where, text in outputs.items() if leaks(text)}
    assert not found, f"secrets leaked: {found}"
    providers = json.loads(outputs["agentkit providers --json"])["providers"]
    assert providers[0]["config"]["values"]["base_url"] == proxy.replace("://", "://admin:***@")
    assert "proxy refused" in outputs["a chat"]  # the message is there, without the secret
    log = outputs["the log"].splitlines()
    assert not [line for line in log if line.startswith("FORGED")], "a forged log line"
    if log_format == "json":
        records = [line for line in log if not line.startswith(("AgentKit ", "warning:"))]
        messages = [json.loads(line)["message"] for line in records]  # every line is JSON
    else:
        messages = log
    assert any("/x\\nFORGED line" in message for message in messages)
    assert any("'typo'" in message for message in messages)


def run(*command: str, env: dict[str, str], cwd: Path) -> str:
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    return result.stdout + result.stderr
