"""The rest of the host: health, providers, agents, auth, CORS, request ids, the page, secrets."""

from __future__ import annotations

import json
import logging

import httpx

from agentkit.testing import chat, run_input
from tests.conftest import FAKE_KEY


def test_health_answers_without_calling_upstream(host, script):
    body = httpx.get(host() + "/health").json()
    assert body["status"] == "ok"
    assert script.list_calls == 0


def test_providers_show_plugin_state_and_settings_without_secrets(host, script):
    response = httpx.get(host() + "/providers")
    provider = response.json()["providers"][0]
    assert provider["id"] == "fake"
    assert provider["state"] == "ready"
    assert provider["config"]["values"]["api_key"] == "set"
    assert provider["config"]["values"]["model"] == "echo"
    assert provider["config"]["schema"]["properties"]["api_key"]["env"] == ["FAKE_API_KEY"]
    assert FAKE_KEY not in response.text


def test_agents_lists_the_default_chat_agent(host, script):
    body = httpx.get(host() + "/agents").json()
    assert body["default_agent"] == "chat"
    assert [a["id"] for a in body["agents"]] == ["chat"]
    assert body["limits"] == {"max_body_bytes": 32_000_000, "max_part_bytes": 20_000_000}


def test_agents_says_the_limits_the_host_was_given(host, script):
    url = host(AGENTKIT_MAX_PART_BYTES="1000000", AGENTKIT_MAX_BODY_BYTES="4000000")
    limits = httpx.get(url + "/agents").json()["limits"]
    assert limits == {"max_body_bytes": 4_000_000, "max_part_bytes": 1_000_000}


def test_the_page_is_served_at_the_root(host, script):
    response = httpx.get(host() + "/")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "AgentKit" in response.text


def test_unknown_paths_get_a_json_404(host, script):
    response = httpx.get(host() + "/no/such/thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_api_key_protects_the_api_but_not_health_or_page(host, script):
    url = host(AGENTKIT_API_KEY="host-key-123")
    denied = httpx.get(url + "/models")
    assert denied.status_code == 401
    assert denied.json()["error"]["code"] == "unauthorized"
    assert httpx.post(url + "/chat/chat", json=run_input("hi")).status_code == 401
    assert httpx.get(url + "/health").status_code == 200
    assert httpx.get(url + "/").status_code == 200
    auth = {"Authorization": "Bearer host-key-123"}
    assert httpx.get(url + "/models", headers=auth).status_code == 200
    assert chat(url, run_input("hi"), headers=auth)[-1].type.value == "RUN_FINISHED"
    assert httpx.get(url + "/models", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_cors_is_closed_by_default_and_opens_for_configured_origins(host, script):
    closed = host()
    preflight = {"Origin": "http://app.example", "Access-Control-Request-Method": "POST"}
    response = httpx.options(closed + "/chat/chat", headers=preflight)
    assert "access-control-allow-origin" not in response.headers

    opened = host(AGENTKIT_CORS_ORIGINS="http://app.example, http://other.example")
    response = httpx.options(opened + "/chat/chat", headers=preflight)
    assert response.headers["access-control-allow-origin"] == "http://app.example"


def test_request_ids_are_returned_and_honoured(host, script):
    url = host()
    assert len(httpx.get(url + "/health").headers["x-request-id"]) >= 8
    given = httpx.get(url + "/health", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"


def test_log_lines_carry_request_ids_and_no_secrets(script, tmp_path):
    """The serve command's logging: every record, AgentKit's, a plugin's own logger's and a
    Python warning alike, comes out as one JSON line, redacted."""
    import io
    import warnings

    from agentkit.logs import configure_logging, request_id

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    token = request_id.set("req-42")
    try:
        configure_logging("info", "json", lambda text: text.replace(FAKE_KEY, "***"))
        root.handlers[0].setStream(stream)
        logging.getLogger("agentkit.chat").warning("upstream said: bad key %s", FAKE_KEY)
        logging.getLogger("agentkit_someplugin.listing").warning("plugin saw %s", FAKE_KEY)
        warnings.warn(f"a plugin warns about {FAKE_KEY}", UserWarning, stacklevel=1)
    finally:
        request_id.reset(token)
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        logging.captureWarnings(False)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [entry["logger"] for entry in lines] == [
        "agentkit.chat",
        "agentkit_someplugin.listing",
        "py.warnings",
    ]
    assert all(entry["request_id"] == "req-42" for entry in lines)
    assert FAKE_KEY not in stream.getvalue()
    assert lines[0]["message"] == "upstream said: bad key ***"
