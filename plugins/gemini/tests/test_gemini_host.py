"""End to end: the real AgentKit host discovers the plugin by entry point and serves Gemini
through ``GET /models`` and ``POST /chat/chat``, with the real LangChain client talking to the
emulator."""

from __future__ import annotations

import json

import httpx
from ag_ui.core import EventType

from agentkit.testing import chat, error_of, run_input, text_of
from agentkit_gemini.testing import DEFAULT_KEY, error_body, model_entry, retry_info


def models_document(base_url: str) -> dict:
    response = httpx.get(f"{base_url}/models/gemini", timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def gemini_run(text: str = "Hello?", **kw) -> dict:
    return run_input(text, provider="gemini", **kw)


def test_models_lists_gemini(host, gemini_env, emulator):
    document = models_document(host())
    [provider] = document["providers"]
    assert provider["id"] == "gemini"
    assert provider["name"] == "Gemini"
    assert provider["state"] == "ready"
    assert document["default_model"] == "gemini-2.5-flash"
    ids = [m["id"] for m in document["models"]]
    assert "gemini-2.5-pro" in ids
    assert "text-embedding-004" not in ids
    flash = next(m for m in document["models"] if m["id"] == "gemini-2.5-flash")
    assert flash["name"] == "Gemini 2.5 Flash"
    assert flash["provider"] == "gemini"
    assert flash["context_window"] == 1_048_576
    assert flash["max_output_tokens"] == 65_536
    assert "vision" in flash["capabilities"] and "thinking" in flash["capabilities"]
    assert flash["sources"] == {
        "context_window": "Gemini models.list",
        "max_output_tokens": "Gemini models.list",
        "thinking": "Gemini models.list",
        "capabilities": "LangChain model profiles (models.dev), thinking from Gemini models.list",
    }


def test_unavailable_default_model_falls_back_with_a_notice(host, gemini_env, emulator):
    emulator.models = [model_entry("gemini-2.0-flash"), model_entry("gemini-2.5-pro")]
    document = models_document(host(GEMINI_MODEL="gemini-2.5-flash"))
    assert document["default_model"] == "gemini-2.0-flash"
    assert "gemini-2.5-flash" in document["providers"][0]["notice"]


def test_no_key_leaves_gemini_unconfigured(host):
    [provider] = models_document(host())["providers"]
    assert provider["state"] == "unconfigured"
    assert "GEMINI_API_KEY" in provider["error"]
    assert provider["hint"]


def test_rejected_key_shows_as_error_state(host, emulator_url):
    base = host(GEMINI_API_KEY="AIza-wrong-key-000", GEMINI_BASE_URL=emulator_url)
    [provider] = models_document(base)["providers"]
    assert provider["state"] == "error"
    assert "the API key was rejected" in provider["error"]
    assert "AIza-wrong-key-000" not in str(provider)


def test_chat_streams_text(host, gemini_env, emulator):
    emulator.reply = "Gemini answers in several words."
    events = chat(host(), gemini_run())
    assert text_of(events) == "Gemini answers in several words."
    assert events[-1].type == EventType.RUN_FINISHED
    assert events[0].metadata["model"] == "gemini-2.5-flash"
    [request] = emulator.requests_to("streamGenerateContent")
    assert request["headers"]["x-goog-api-key"] == DEFAULT_KEY


def test_chat_model_and_params_reach_the_wire(host, gemini_env, emulator):
    params = {"temperature": 0.3, "max_tokens": 64, "top_p": 0.5, "stop": ["###"], "seed": 11}
    chat(host(), gemini_run(model="gemini-2.5-pro", params=params))
    [request] = emulator.requests_to("streamGenerateContent")
    assert request["path"] == "/v1beta/models/gemini-2.5-pro:streamGenerateContent"
    config = request["json"]["generationConfig"]
    assert (config["temperature"], config["maxOutputTokens"], config["topP"]) == (0.3, 64, 0.5)
    assert (config["stopSequences"], config["seed"]) == (["###"], 11)


def test_blocked_prompt_is_a_run_error(host, gemini_env, emulator):
    emulator.block_prompt = "SAFETY"
    error = error_of(chat(host(), gemini_run()))
    assert error is not None, "a blocked prompt must not look like an empty answer"
    assert error.code == "content_filtered"
    assert "blocked the prompt" in error.message and "SAFETY" in error.message


def test_blocked_answer_is_a_run_error(host, gemini_env, emulator):
    emulator.block_answer = "SAFETY"
    error = error_of(chat(host(), gemini_run()))
    assert error is not None and error.code == "content_filtered"
    assert "blocked the answer" in error.message and "SAFETY" in error.message


def test_rate_limited_run_error(host, gemini_env, emulator):
    emulator.fail(429, error_body(429, "Quota exceeded.", [retry_info("60s")]), times=5)
    error = error_of(chat(host(), gemini_run()))
    assert error is not None and error.code == "rate_limited"
    assert len(emulator.requests_to("streamGenerateContent")) == 1, (
        "a 60 s retry delay is past the host's retry deadline: no second attempt"
    )


def test_short_rate_limit_is_retried_by_the_host(host, gemini_env, emulator):
    emulator.fail(429, error_body(429, "Slow down.", [retry_info("0.05s")]), on=":stream")
    events = chat(host(), gemini_run())
    assert text_of(events) == emulator.reply
    assert len(emulator.requests_to("streamGenerateContent")) == 2


def test_rejected_key_run_error(host, emulator_url):
    base = host(GEMINI_API_KEY="AIza-wrong-key-111", GEMINI_BASE_URL=emulator_url)
    error = error_of(chat(base, gemini_run()))
    assert error is not None and error.code == "auth_failed"
    assert "the API key was rejected" in error.message
    assert "AIza-wrong-key-111" not in error.message


def test_unknown_model_run_error(host, gemini_env):
    error = error_of(chat(host(), gemini_run(model="gemini-0-nano")))
    assert error is not None and error.code == "model_not_found"
    assert "gemini-0-nano" in error.message


def test_chat_while_unconfigured_is_refused(host):
    response = httpx.post(f"{host()}/chat/chat", json=gemini_run(), timeout=10)
    assert response.status_code == 409
    assert "GEMINI_API_KEY" in response.json()["error"]["message"]


def test_num_ctx_never_reaches_gemini(host, gemini_env, emulator):
    """``num_ctx`` is Ollama's: Gemini's window is fixed by the model, and the parameter is not
    sent."""
    body = gemini_run("Hello?", params={"num_ctx": 100_000, "temperature": 0.5})
    assert text_of(chat(host(), body)) == emulator.reply
    [request] = emulator.requests_to("streamGenerateContent")
    wire = json.dumps(request["json"])
    assert "num_ctx" not in wire and "numCtx" not in wire
    assert request["json"]["generationConfig"]["temperature"] == 0.5


def test_a_small_num_ctx_does_not_shorten_geminis_window(host, gemini_env, emulator):
    body = gemini_run("Hello, how long a conversation can you take?", params={"num_ctx": 4})
    events = chat(host(), body)
    assert text_of(events) == emulator.reply
    assert events[0].metadata["dropped"] == {"num_ctx": "Gemini sets no context window per request"}
