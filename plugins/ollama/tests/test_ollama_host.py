"""End to end: the real AgentKit host discovers the plugin by entry point and serves Ollama
through ``GET /models`` and ``POST /chat/chat``, with the real ChatOllama talking to the
emulator."""

from __future__ import annotations

import json

import httpx
from ag_ui.core import EventType

from agentkit.testing import chat, error_of, run_input, serve, text_of
from agentkit_ollama.testing import OllamaEmulator

WEATHER_TOOL = {
    "name": "get_weather",
    "description": "The weather in a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
}


def models_document(base_url: str) -> dict:
    response = httpx.get(f"{base_url}/models/ollama", timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def ollama_run(text: str = "Hello?", **kw) -> dict:
    return run_input(text, provider="ollama", **kw)


def test_models_lists_ollama_with_sizes_and_capabilities(host, ollama_env):
    document = models_document(host())
    [provider] = document["providers"]
    assert (provider["id"], provider["name"], provider["state"]) == ("ollama", "Ollama", "ready")
    assert document["default_model"] == "qwen:7b"
    llama = next(m for m in document["models"] if m["id"] == "llama3.2:latest")
    assert llama["provider"] == "ollama"
    assert llama["size"] == "2.0 GB"
    assert llama["capabilities"] == ["tools"]
    assert llama["details"]["parameter_size"] == "3.2B"
    assert llama["details"]["quantization"] == "Q4_K_M"


def test_models_show_each_window_and_say_when_the_server_default_applies(host, ollama_env):
    document = models_document(host())
    llama = next(m for m in document["models"] if m["id"] == "llama3.2:latest")
    assert (llama["context_window"], llama["context_in_effect"]) == (131072, None)
    assert llama["max_output_tokens"] is None
    assert llama["sources"] == {
        "capabilities": "Ollama /api/show",
        "context_window": "Ollama /api/show (model_info)",
    }
    assert "server's default applies" in llama["details"]["context_in_effect"]
    notice = document["providers"][0]["notice"]
    assert "silently drops the start" in notice and "OLLAMA_NUM_CTX" in notice

    document = models_document(host(OLLAMA_NUM_CTX="16384"))
    llama = next(m for m in document["models"] if m["id"] == "llama3.2:latest")
    assert (llama["context_window"], llama["context_in_effect"]) == (131072, 16384)
    assert llama["sources"]["context_in_effect"] == "OLLAMA_NUM_CTX"
    assert "context_in_effect" not in llama["details"]
    assert document["providers"][0]["notice"] is None


def test_unpulled_default_model_falls_back_with_a_notice(host, ollama_env):
    document = models_document(host(OLLAMA_MODEL="mistral:7b"))
    assert document["default_model"] == "qwen:7b"
    notice = document["providers"][0]["notice"]
    assert "mistral:7b" in notice and "`ollama pull mistral:7b`" in notice


def test_unreachable_ollama_is_an_error_state_saying_what_to_do(host, dead_url):
    [provider] = models_document(host(OLLAMA_BASE_URL=dead_url))["providers"]
    assert provider["state"] == "error"
    assert provider["error"] == f"Ollama could not be reached at {dead_url}."
    assert "`ollama serve`" in provider["hint"] and "OLLAMA_BASE_URL" in provider["hint"]


def test_invalid_setting_is_an_error_state_naming_the_variable(host):
    [provider] = models_document(host(OLLAMA_HEADERS="X-Token: tok-secret-42"))["providers"]
    assert provider["state"] == "error"
    assert "OLLAMA_HEADERS" in provider["error"]
    assert "tok-secret-42" not in provider["error"]


def test_chat_streams_the_emulators_reply(host, ollama_env, emulator):
    emulator.reply = "Bonjour from a local model."
    events = chat(host(), ollama_run(params={"temperature": 0.1, "max_tokens": 64}))
    assert text_of(events) == "Bonjour from a local model."
    assert events[0].metadata["model"] == "qwen:7b"
    finished = events[-1]
    assert finished.type == EventType.RUN_FINISHED
    assert finished.usage[0].output_tokens == 5
    [request] = emulator.requests_to("/api/chat")
    assert request["json"]["options"] == {"temperature": 0.1, "num_predict": 64}


def test_chat_with_no_provider_or_model_uses_ollamas_default(host, ollama_env, emulator):
    events = chat(host(), run_input("Hi"))
    assert text_of(events) == emulator.reply
    assert emulator.requests_to("/api/chat")[0]["json"]["model"] == "qwen:7b"


def test_model_not_pulled_is_a_run_error_with_the_pull_command(host, ollama_env):
    events = chat(host(), ollama_run(model="mistral:7b"))
    error = error_of(events)
    assert error.code == "model_not_found"
    assert "run `ollama pull mistral:7b`" in error.message


def test_unreachable_ollama_is_a_run_error_saying_what_to_do(host, dead_url):
    events = chat(host(OLLAMA_BASE_URL=dead_url), ollama_run(model="qwen:7b"))
    error = error_of(events)
    assert error.code == "upstream_unavailable"
    assert (
        f"Ollama could not be reached at {dead_url}. Start Ollama (`ollama serve`)" in error.message
    )


def test_proxy_headers_are_sent_and_never_shown(host, monkeypatch):
    secret = "tok-proxy-0123456789"
    emulator = OllamaEmulator(required_headers={"x-proxy-token": secret})
    with serve(emulator.app) as url:
        base = host(OLLAMA_BASE_URL=url, OLLAMA_HEADERS=json.dumps({"X-Proxy-Token": secret}))
        document = models_document(base)
        assert document["providers"][0]["state"] == "ready"
        assert text_of(chat(base, ollama_run())) == emulator.reply
        providers = httpx.get(f"{base}/providers", timeout=10).text
    assert secret not in providers
    assert secret not in json.dumps(document)
    assert {r["headers"].get("x-proxy-token") for r in emulator.requests} == {secret}
