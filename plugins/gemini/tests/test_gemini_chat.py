"""The chat model builder, driving the real ChatGoogleGenerativeAI against the emulator, and the
provider's error and chunk checks on what that client really raises and yields."""

from __future__ import annotations

import asyncio

import pytest
from langchain_core.messages import AIMessageChunk

from agentkit import (
    AuthFailed,
    ChatParams,
    ContentFiltered,
    ContextLengthExceeded,
    ModelNotFound,
    RateLimited,
    UpstreamError,
)
from agentkit.testing import serve, stream_answer
from agentkit_gemini.provider import GeminiProvider
from agentkit_gemini.settings import GeminiSettings
from agentkit_gemini.testing import DEFAULT_KEY, error_body, retry_info


def stream(provider: GeminiProvider, model: str = "gemini-2.5-flash", params=None, tools=None):
    """Stream one answer the way the host does: check each chunk, translate any failure."""
    return stream_answer(provider, model, "What is the weather?", params=params, tools=tools)


def text(chunks: list[AIMessageChunk]) -> str:
    return "".join(chunk.text for chunk in chunks)


def test_streams_the_reply(provider, emulator):
    emulator.reply = "Sunny with a light breeze."
    assert text(stream(provider)) == "Sunny with a light breeze."
    [request] = emulator.requests
    assert request["method"] == "POST"
    assert request["path"] == "/v1beta/models/gemini-2.5-flash:streamGenerateContent"
    assert request["query"] == {"alt": "sse"}
    assert request["headers"]["x-goog-api-key"] == DEFAULT_KEY
    assert request["json"]["contents"] == [
        {"parts": [{"text": "What is the weather?"}], "role": "user"}
    ]


def test_the_last_chunk_carries_usage(provider):
    usage = [c.usage_metadata for c in stream(provider) if c.usage_metadata]
    assert usage and usage[-1]["output_tokens"] > 0


def test_params_reach_the_wire(provider, emulator):
    params = ChatParams(temperature=0.2, max_tokens=128, top_p=0.9, stop=["END"], seed=7)
    stream(provider, "gemini-2.5-pro", params)
    [request] = emulator.requests
    assert request["path"] == "/v1beta/models/gemini-2.5-pro:streamGenerateContent"
    config = request["json"]["generationConfig"]
    assert config["temperature"] == 0.2
    assert config["maxOutputTokens"] == 128
    assert config["topP"] == 0.9
    assert config["stopSequences"] == ["END"]
    assert config["seed"] == 7


def test_unset_params_leave_geminis_defaults(provider, emulator):
    stream(provider)
    config = emulator.requests[0]["json"].get("generationConfig", {})
    for name in ("temperature", "maxOutputTokens", "topP", "stopSequences", "seed"):
        assert name not in config


def test_a_base_url_path_prefix_is_kept(monkeypatch, emulator):
    from starlette.applications import Starlette
    from starlette.routing import Mount

    proxy = Starlette(routes=[Mount("/proxy", app=emulator.app)])
    with serve(proxy) as url:
        monkeypatch.setenv("GEMINI_API_KEY", DEFAULT_KEY)
        monkeypatch.setenv("GEMINI_BASE_URL", f"{url}/proxy/")
        assert text(stream(GeminiProvider(GeminiSettings())))
    assert emulator.requests[0]["path"] == (
        "/proxy/v1beta/models/gemini-2.5-flash:streamGenerateContent"
    )


def test_tool_calls_arrive_as_tool_call_chunks(provider, emulator):
    emulator.tool_call = {"name": "get_weather", "arguments": {"city": "Paris"}}
    tool = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "The weather in a city.",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
    chunks = stream(provider, tools=[tool])
    calls = [call for chunk in chunks for call in chunk.tool_call_chunks]
    assert [(c["name"], c["args"]) for c in calls] == [("get_weather", '{"city": "Paris"}')]
    declarations = emulator.requests[0]["json"]["tools"][0]["functionDeclarations"]
    assert declarations[0]["name"] == "get_weather"


def test_rejected_key(monkeypatch, emulator_url):
    monkeypatch.setenv("GEMINI_API_KEY", "not-the-key-987")
    monkeypatch.setenv("GEMINI_BASE_URL", emulator_url)
    with pytest.raises(AuthFailed) as caught:
        stream(GeminiProvider(GeminiSettings()))
    assert "the API key was rejected" in caught.value.message
    assert "not-the-key-987" not in str(caught.value)


def test_rate_limit_is_not_retried_by_the_sdk(provider, emulator):
    emulator.fail(429, error_body(429, "Resource has been exhausted.", [retry_info("2.5s")]))
    with pytest.raises(RateLimited) as caught:
        stream(provider)
    assert caught.value.retry_after == 2.5
    assert caught.value.retryable
    assert len(emulator.requests) == 1, "the SDK retried on its own; the host does that"


def test_rate_limit_retry_after_header(provider, emulator):
    emulator.fail(429, headers={"Retry-After": "1"})
    with pytest.raises(RateLimited) as caught:
        stream(provider)
    assert caught.value.retry_after == 1


def test_unknown_model(provider):
    with pytest.raises(ModelNotFound, match="gemini-9-ultra"):
        stream(provider, "gemini-9-ultra")


def test_embedding_model_cannot_chat(provider):
    with pytest.raises(ModelNotFound, match="not supported for generateContent"):
        stream(provider, "text-embedding-004")


def test_server_error_is_retryable(provider, emulator):
    emulator.fail(500)
    with pytest.raises(UpstreamError) as caught:
        stream(provider)
    assert caught.value.retryable


def test_connection_dropped_mid_answer(provider, emulator):
    emulator.cut_after = 2
    with pytest.raises(UpstreamError, match="broke off") as caught:
        stream(provider)
    assert not caught.value.retryable


def test_blocked_prompt_is_content_filtered(provider, emulator):
    emulator.block_prompt = "PROHIBITED_CONTENT"
    with pytest.raises(ContentFiltered, match="blocked the prompt") as caught:
        stream(provider)
    assert "PROHIBITED_CONTENT" in caught.value.message


def test_blocked_answer_is_content_filtered(provider, emulator):
    emulator.block_answer = "SAFETY"
    with pytest.raises(ContentFiltered, match="blocked the answer") as caught:
        stream(provider)
    assert "SAFETY" in caught.value.message
    assert "HARM_CATEGORY_DANGEROUS_CONTENT" in caught.value.message


def test_too_long_a_conversation(provider, emulator):
    message = "The input token count (2000000) exceeds the maximum number of tokens allowed."
    emulator.fail(400, error_body(400, message))
    with pytest.raises(ContextLengthExceeded, match="exceeds the maximum"):
        stream(provider)


def test_invoke_without_streaming(provider, emulator):
    emulator.reply = "One whole answer."
    answer = asyncio.run(provider.chat_model("gemini-2.5-flash", ChatParams()).ainvoke("Hi"))
    assert answer.text == "One whole answer."
    assert emulator.requests[0]["path"].endswith("/models/gemini-2.5-flash:generateContent")


def test_unrelated_errors_are_left_to_the_host(provider):
    assert provider.translate_error(ValueError("boom")) is None
