"""What this provider does beyond the kit's checks: authentication, the default model, parameters,
a wrong base URL, blocked answers and long conversations, through a real host."""

import httpx

from agentkit.testing import chat, error_of, run_input, text_of

KEY = "sk-local-0123456789"


def ask(base_url: str, **kw) -> list:
    return chat(base_url, run_input("Hello?", provider="openai-compatible", **kw))


def provider_of(base_url: str) -> dict:
    response = httpx.get(f"{base_url}/models/openai-compatible", timeout=10)
    return response.json()


def test_the_key_is_sent_as_a_bearer_token(host, emulator, emulator_url):
    emulator.api_key = KEY
    base = host(OPENAI_COMPATIBLE_BASE_URL=emulator_url, OPENAI_COMPATIBLE_API_KEY=KEY)

    assert text_of(ask(base, model="local-model")) == emulator.reply
    assert provider_of(base)["providers"][0]["state"] == "ready"
    assert {r["headers"]["authorization"] for r in emulator.requests} == {f"Bearer {KEY}"}


def test_without_a_key_a_placeholder_is_sent(host, emulator, emulator_url, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-real-openai-key-not-for-this-server")
    base = host(OPENAI_COMPATIBLE_BASE_URL=emulator_url)

    assert text_of(ask(base, model="local-model")) == emulator.reply
    assert provider_of(base)["providers"][0]["state"] == "ready"
    assert {r["headers"]["authorization"] for r in emulator.requests} == {"Bearer none"}


def test_the_default_model_is_the_first_listed_one(host, emulator, emulator_url):
    document = provider_of(host(OPENAI_COMPATIBLE_BASE_URL=emulator_url))

    ids = [m["id"] for m in document["models"]]
    assert ids == ["local-model", "other-model", "deepseek-r1", "qwen3"]
    assert document["default_model"] == "local-model"
    assert document["models"][0]["details"] == {"owned_by": "emulator"}


def test_a_configured_model_that_is_not_served_falls_back_with_a_notice(host, emulator_url):
    base = host(OPENAI_COMPATIBLE_BASE_URL=emulator_url, OPENAI_COMPATIBLE_MODEL="gone")
    document = provider_of(base)

    assert document["default_model"] == "local-model"
    assert "gone is not available" in document["providers"][0]["notice"]


def test_a_chat_without_a_model_uses_the_default(host, emulator, emulator_url):
    base = host(OPENAI_COMPATIBLE_BASE_URL=emulator_url, OPENAI_COMPATIBLE_MODEL="other-model")
    ask(base)
    assert emulator.requests[-1]["json"]["model"] == "other-model"


def test_chat_parameters_reach_the_server(host, emulator, emulator_url):
    base = host(OPENAI_COMPATIBLE_BASE_URL=emulator_url)
    params = {"temperature": 0.2, "max_tokens": 50, "top_p": 0.5, "stop": ["END"], "seed": 42}

    ask(base, model="local-model", params=params)

    sent = emulator.requests[-1]["json"]
    assert (sent["temperature"], sent["top_p"], sent["stop"], sent["seed"]) == (
        0.2,
        0.5,
        ["END"],
        42,
    )
    assert sent["max_completion_tokens"] == 50
    assert sent["stream"] is True


def test_token_usage_reaches_run_finished(host, emulator, emulator_url):
    emulator.reply = "one two three"
    events = ask(host(OPENAI_COMPATIBLE_BASE_URL=emulator_url), model="local-model")
    usage = events[-1].usage[0]
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens) == (5, 3, 8)


def test_a_base_url_without_v1_says_so(host, emulator_url):
    base = host(OPENAI_COMPATIBLE_BASE_URL=emulator_url.removesuffix("/v1"))
    [provider] = provider_of(base)["providers"]
    assert provider["state"] == "error"
    assert "/v1" in provider["hint"]


def test_a_base_url_that_is_not_http_is_an_error(host):
    [provider] = provider_of(host(OPENAI_COMPATIBLE_BASE_URL="localhost:8080"))["providers"]
    assert provider["state"] == "error"
    assert "OPENAI_COMPATIBLE_BASE_URL" in provider["error"]
    assert "http://" in provider["error"]


def test_a_server_that_is_down_is_named_with_a_hint(host):
    [provider] = provider_of(host(OPENAI_COMPATIBLE_BASE_URL="http://127.0.0.1:9/v1"))["providers"]
    assert provider["state"] == "error"
    assert "http://127.0.0.1:9/v1" in provider["error"]
    assert "OPENAI_COMPATIBLE_BASE_URL" in provider["hint"]


def test_a_filtered_answer_is_content_filtered_not_empty(host, emulator, emulator_url):
    emulator.reply = ""
    emulator.finish_reason = "content_filter"
    events = ask(host(OPENAI_COMPATIBLE_BASE_URL=emulator_url), model="local-model")
    assert error_of(events).code == "content_filtered"


def test_a_too_long_conversation_is_context_length_exceeded(host, emulator, emulator_url):
    message = "This model's maximum context length is 4096 tokens. However, you requested 9000."
    error = {"error": {"message": message, "type": "BadRequestError", "code": 400}}
    emulator.fail(400, error, on="/chat/completions")
    events = ask(host(OPENAI_COMPATIBLE_BASE_URL=emulator_url), model="local-model")
    assert error_of(events).code == "context_length_exceeded"


def test_a_rate_limit_is_retried_after_the_server_says(host, emulator, emulator_url):
    emulator.fail(429, headers={"Retry-After": "0"}, on="/chat/completions")
    events = ask(host(OPENAI_COMPATIBLE_BASE_URL=emulator_url), model="local-model")
    assert text_of(events) == emulator.reply
    assert [r["path"] for r in emulator.requests].count("/v1/chat/completions") == 2
