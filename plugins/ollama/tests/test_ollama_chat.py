"""The chat model builder, driving the real ChatOllama against the emulator: streaming, parameters
and headers on the wire, tool calls, and every failure translated into an error a user can act
on."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from langchain_core.messages import AIMessageChunk

from agentkit import AgentKitError, ChatParams
from agentkit.testing import serve, stream_answer
from agentkit_ollama.provider import OllamaProvider
from agentkit_ollama.settings import OllamaSettings
from agentkit_ollama.testing import OllamaEmulator

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}


def stream(
    provider: OllamaProvider,
    model: str = "qwen:7b",
    params: ChatParams | None = None,
    tools: list[dict[str, Any]] | None = None,
) -> list[AIMessageChunk]:
    prompt = "What is the weather in Paris?"
    return stream_answer(provider, model, prompt, params=params, tools=tools)


def done(chunks: list[AIMessageChunk]) -> AIMessageChunk:
    """The chunk from Ollama's last line, ``"done": true``."""
    return next(c for c in chunks if c.response_metadata.get("done"))


def failure(provider: OllamaProvider, model: str = "qwen:7b", **kw) -> AgentKitError:
    """The error a user sees when streaming fails, as the host maps it."""
    with pytest.raises(AgentKitError) as caught:
        stream(provider, model, **kw)
    return caught.value


def test_streams_the_reply_token_by_token_with_usage(provider, emulator):
    emulator.reply = "Paris is sunny today."
    chunks = stream(provider)
    texts = [c.text for c in chunks if c.text]
    assert texts == ["Paris ", "is ", "sunny ", "today."]
    last = done(chunks)
    assert last.response_metadata["done_reason"] == "stop"
    assert last.usage_metadata["output_tokens"] == 4
    assert last.usage_metadata["input_tokens"] > 0


def test_params_reach_the_wire_as_ollama_options(provider, emulator):
    params = ChatParams(temperature=0.3, max_tokens=2, top_p=0.9, stop=["\n\n"], seed=7)
    chunks = stream(provider, params=params)
    [request] = emulator.requests_to("/api/chat")
    assert request["json"]["model"] == "qwen:7b"
    assert request["json"]["stream"] is True
    assert request["json"]["options"] == {
        "temperature": 0.3,
        "num_predict": 2,
        "top_p": 0.9,
        "stop": ["\n\n"],
        "seed": 7,
    }
    assert "".join(c.text for c in chunks) == "Hello from "
    assert done(chunks).response_metadata["done_reason"] == "length"


def test_unset_params_leave_the_server_defaults(provider, emulator):
    stream(provider)
    [request] = emulator.requests_to("/api/chat")
    assert request["json"]["options"] in ({}, None)


def test_keep_alive_is_sent_only_when_set(monkeypatch, emulator, ollama_env):
    stream(OllamaProvider(OllamaSettings()))
    monkeypatch.setenv("OLLAMA_KEEP_ALIVE", "30m")
    stream(OllamaProvider(OllamaSettings()))
    monkeypatch.setenv("OLLAMA_KEEP_ALIVE", "-1")
    stream(OllamaProvider(OllamaSettings()))
    bodies = [r["json"] for r in emulator.requests_to("/api/chat")]
    assert "keep_alive" not in bodies[0]
    assert bodies[1]["keep_alive"] == "30m"
    assert bodies[2]["keep_alive"] == -1


def test_proxy_headers_are_sent_with_the_chat(monkeypatch):
    emulator = OllamaEmulator(required_headers={"authorization": "Bearer key-abc"})
    with serve(emulator.app) as url:
        monkeypatch.setenv("OLLAMA_BASE_URL", url)
        error = failure(OllamaProvider(OllamaSettings()))
        assert error.code == "auth_failed"
        assert "OLLAMA_HEADERS" in error.hint

        monkeypatch.setenv("OLLAMA_HEADERS", '{"Authorization": "Bearer key-abc"}')
        chunks = stream(OllamaProvider(OllamaSettings()))
    assert "".join(c.text for c in chunks) == emulator.reply
    assert emulator.requests_to("/api/chat")[-1]["headers"]["authorization"] == "Bearer key-abc"


def test_tool_calls_arrive_with_their_arguments(provider, emulator):
    emulator.tool_call = {"name": "get_weather", "arguments": {"city": "Paris"}}
    chunks = stream(provider, "llama3.2", tools=[WEATHER_TOOL])
    calls = [call for chunk in chunks for call in chunk.tool_call_chunks]
    assert [(c["name"], json.loads(c["args"])) for c in calls] == [
        ("get_weather", {"city": "Paris"})
    ]
    [request] = emulator.requests_to("/api/chat")
    assert request["json"]["tools"][0]["function"]["name"] == "get_weather"


def test_unreachable_server_says_how_to_start_it(dead_url):
    error = failure(OllamaProvider(OllamaSettings(OLLAMA_BASE_URL=dead_url)))
    assert error.code == "upstream_unavailable"
    assert error.message == f"Ollama could not be reached at {dead_url}."
    assert error.hint == OllamaProvider.unreachable_hint


def test_model_not_pulled_says_how_to_pull_it(provider):
    error = failure(provider, "mistral:7b")
    assert error.code == "model_not_found"
    assert "run `ollama pull mistral:7b`" in error.message


def test_model_without_tool_support_is_an_invalid_request(provider):
    error = failure(provider, "gemma3:4b", tools=[WEATHER_TOOL])
    assert error.code == "invalid_request"
    assert "does not support tools" in error.message


@pytest.mark.parametrize(
    ("status", "code", "retryable"),
    [(500, "upstream_error", True), (503, "upstream_error", True), (429, "rate_limited", True)],
)
def test_other_statuses_map_to_stable_codes(provider, emulator, status, code, retryable):
    emulator.fail(status, {"error": "server busy"}, on="/api/chat")
    error = failure(provider)
    assert (error.code, error.retryable) == (code, retryable)
    assert "server busy" in error.message


def test_an_error_line_inside_the_stream_is_reported(provider, emulator):
    emulator.fail(200, '{"error":"model runner has unexpectedly stopped"}\n', on="/api/chat")
    error = failure(provider)
    assert error.code == "upstream_error"
    assert "model runner has unexpectedly stopped" in error.message


def test_credentials_in_the_url_authenticate_listing_and_chat():
    emulator = OllamaEmulator(required_headers={"authorization": "Basic bWU6cHc="})  # me:pw
    with serve(emulator.app) as url:
        provider = OllamaProvider(OllamaSettings(OLLAMA_BASE_URL=url.replace("//", "//me:pw@")))
        assert len(asyncio.run(provider.list_models())) == len(emulator.models)
        chunks = stream(provider)
    assert "".join(c.text for c in chunks) == emulator.reply


def test_a_model_the_host_reuses_still_works_under_a_new_event_loop(provider, emulator):
    from agentkit.chat_models import ChatModels

    models = ChatModels()

    async def answer() -> str:
        chat_model = await models.get(provider, "qwen:7b", ChatParams())
        return "".join([chunk.text async for chunk in chat_model.astream("hi")])

    first = asyncio.run(answer())
    second = asyncio.run(answer())  # the first loop is closed: its clients are unusable
    assert first == second == emulator.reply
