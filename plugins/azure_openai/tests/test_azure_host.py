"""End to end: a real AgentKit host discovers the plugin by entry point and chats with the
emulator over AG-UI; and importing the plugin stays cheap."""

from __future__ import annotations

import httpx

from agentkit.testing import chat, error_of, reasoning_of, run_input, text_of
from agentkit_azure_openai.testing import DEFAULT_KEY


def test_a_chat_streams_the_deployments_answer(azure_env, host, emulator):
    emulator.reply = "It is sunny in Lisbon."
    events = chat(host(), run_input("Weather in Lisbon?", provider="azure-openai", model="chat"))
    assert error_of(events) is None
    assert text_of(events) == "It is sunny in Lisbon."
    assert events[0].metadata == {"provider": "azure-openai", "model": "chat", "agent": "chat"}
    assert emulator.chat_requests()[0]["path"] == "/openai/deployments/chat/chat/completions"


def test_the_default_deployment_and_default_model(azure_env, host, emulator, monkeypatch):
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", "gpt-4")
    base = host()
    chat(base, run_input("hi"))
    assert emulator.chat_requests()[-1]["path"] == "/openai/deployments/chat/chat/completions"
    monkeypatch.setenv("DEFAULT_MODEL", "gpt-4")
    chat(host(), run_input("hi"))
    assert emulator.chat_requests()[-1]["path"] == "/openai/deployments/gpt-4/chat/completions"


def test_entra_id_through_the_host(entra_env, host, emulator, monkeypatch):
    monkeypatch.setenv("AZURE_OPENAI_API", "v1")
    events = chat(host(), run_input("hi", model="chat"))
    assert text_of(events) == emulator.reply
    assert emulator.chat_requests()[0]["path"] == "/openai/v1/chat/completions"


def test_models_endpoint_lists_the_deployments(azure_env, host, monkeypatch):
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", "reasoner=o3-mini")
    document = httpx.get(f"{host()}/models/azure-openai", timeout=10).json()
    [provider] = document["providers"]
    assert (provider["id"], provider["name"], provider["state"]) == (
        "azure-openai",
        "Azure OpenAI",
        "ready",
    )
    assert document["default_model"] == "chat"
    assert [(m["id"], m["size"], m["details"]["model"]) for m in document["models"]] == [
        ("chat", "Azure Cloud", "gpt-4o"),
        ("reasoner", "Azure Cloud", "o3-mini"),
    ]


def test_an_unconfigured_provider_names_the_variable(host):
    document = httpx.get(f"{host()}/models", timeout=10).json()
    [provider] = document["providers"]
    assert provider["state"] == "unconfigured"
    assert "AZURE_OPENAI_ENDPOINT" in provider["error"]


def test_a_wrong_key_is_auth_failed_and_never_shown(azure_env, host, monkeypatch):
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "sk-wrong-secret-0001")
    base = host()
    error = error_of(chat(base, run_input("hi", model="chat")))
    assert error.code == "auth_failed"
    assert error.message.startswith("Azure OpenAI answered HTTP 401")
    assert "Keys and Endpoint" in error.message  # the hint for a key
    for path in ("/models", "/providers"):
        assert "sk-wrong-secret-0001" not in httpx.get(base + path, timeout=10).text
    assert "sk-wrong-secret-0001" not in error.message


def test_an_unknown_deployment_is_model_not_found(azure_env, host, monkeypatch):
    monkeypatch.setenv("AZURE_OPENAI_RESOURCE", "contoso")
    error = error_of(chat(host(), run_input("hi", model="gpt-4o-mini")))
    assert error.code == "model_not_found"
    assert "'gpt-4o-mini'" in error.message and "'contoso'" in error.message


def test_an_unsupported_api_version_names_the_setting(azure_env, host, monkeypatch):
    monkeypatch.setenv("AZURE_OPENAI_API_VERSION", "2030-13-01")
    error = error_of(chat(host(), run_input("hi", model="chat")))
    assert error.code == "invalid_request"
    assert "AZURE_OPENAI_API_VERSION" in error.message


def test_429_beyond_the_retries_is_rate_limited(azure_env, host, emulator):
    emulator.fail(429, headers={"retry-after-ms": "10"}, times=10)
    error = error_of(chat(host(AGENTKIT_RETRY_ATTEMPTS="3"), run_input("hi", model="chat")))
    assert error.code == "rate_limited"
    assert len(emulator.chat_requests()) == 3


def test_a_blocked_prompt_is_content_filtered(azure_env, host, emulator):
    emulator.block_prompt = {"violence": "high"}
    error = error_of(chat(host(), run_input("hi", model="chat")))
    assert error.code == "content_filtered"
    assert "prompt" in error.message and "violence: high" in error.message


def test_a_blocked_answer_is_content_filtered_not_empty(azure_env, host, emulator):
    emulator.block_answer = {"sexual": "medium"}
    error = error_of(chat(host(), run_input("hi", model="chat")))
    assert error.code == "content_filtered"
    assert "answer" in error.message and "sexual: medium" in error.message


def test_the_key_is_not_in_the_providers_document(azure_env, host):
    response = httpx.get(f"{host()}/providers", timeout=10)
    [provider] = response.json()["providers"]
    assert provider["config"]["values"]["api_key"] == "set"
    assert DEFAULT_KEY not in response.text


def test_discovery_shapes_the_first_chat(management_env, host, emulator):
    """Nothing says "reasoner" serves o3-mini but Azure Resource Manager: the host lists the
    provider before its first chat, so even that one goes out with o3-mini's parameters."""
    base = host(AZURE_OPENAI_API_VERSION="2024-12-01-preview")
    params = {"reasoning_effort": "minimal", "temperature": 0.3, "max_tokens": 99}
    events = chat(base, run_input("hi", model="reasoner", params=params))
    assert error_of(events) is None
    sent = {"reasoning_effort": "low"}  # o3-mini's nearest to minimal
    assert events[0].metadata["reasoning"] == {"effort": "minimal", "sent": sent}
    paths = [r["path"] for r in emulator.requests]
    assert "/deployments" in paths[0] and paths[-1].endswith("/chat/completions")
    body = emulator.chat_requests()[-1]["json"]
    assert (body["reasoning_effort"], body["max_completion_tokens"]) == ("low", 99)
    assert "temperature" not in body


def test_a_reasoning_deployment_on_the_classic_api(azure_env, host, emulator, monkeypatch):
    """An o-series deployment through the classic API: the effort mapped, usage with reasoning
    and cached tokens; the classic API streams no reasoning text."""
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", "reasoner=o3-mini")
    emulator.thinking = "one two three"
    emulator.cached_tokens = 4
    body = run_input("hi", model="reasoner", params={"reasoning_effort": "high", "max_tokens": 50})
    events = chat(host(AZURE_OPENAI_API_VERSION="2025-04-01-preview"), body)
    assert error_of(events) is None and text_of(events) == emulator.reply
    assert events[0].metadata["reasoning"] == {
        "effort": "high",
        "sent": {"reasoning_effort": "high"},
    }
    request = emulator.chat_requests()[-1]
    assert request["query"] == {"api-version": "2025-04-01-preview"}
    assert (request["json"]["reasoning_effort"], request["json"]["max_completion_tokens"]) == (
        "high",
        50,
    )
    [usage] = events[-1].usage
    assert (usage.reasoning_tokens, usage.cached_input_tokens) == (3, 4)
    assert usage.output_tokens == 3 + len(emulator.reply.split())
    assert reasoning_of(events) == ""
