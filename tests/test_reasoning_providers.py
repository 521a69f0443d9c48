"""Reasoning models of every first-party provider through the official @ag-ui/client, and one
conversation that carries opaque reasoning across a switch of provider."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agentkit.app import create_app
from agentkit.testing import answer_message, chat, error_of, run_input, serve
from tests.upstreams import first_party

THOUGHT = "The user wants the weather, so I should look it up."
WEATHER = {
    "name": "get_weather",
    "description": "The weather in a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
}


@pytest.fixture
def upstreams(monkeypatch) -> Iterator[dict[str, object]]:
    """The three emulators, thinking ``THOUGHT``, and the host's environment pointing at them
    (Azure on the Responses API, with a gpt-5-mini deployment ``thinker``)."""
    replies = {"ollama": "Ollama here.", "gemini": "Gemini here.", "azure-openai": "Azure here."}
    with first_party(replies, THOUGHT) as (emulators, env):
        env |= {
            "AZURE_OPENAI_DEPLOYMENTS": "thinker=gpt-5-mini,reasoner=o3-mini",
            "AZURE_OPENAI_API": "responses",
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        yield emulators


@pytest.mark.parametrize(
    ("provider", "model"),
    [
        ("ollama", "qwen3:8b"),
        ("ollama", "gpt-oss:20b"),
        ("gemini", "gemini-2.5-flash"),
        ("gemini", "gemini-3-pro-preview"),
        ("azure-openai", "thinker"),
    ],
)
def test_a_thinking_model_streams_its_reasoning_to_the_official_client(
    upstreams, official_client, provider, model
):
    forwarded = {"provider": provider, "model": model, "params": {"reasoning_effort": "high"}}
    question = [{"id": "u1", "role": "user", "content": "Think, then answer."}]

    with serve(create_app()) as url:
        seen = official_client(f"{url}/chat/chat", question, forwarded)

    assert "failed" not in seen, seen.get("failed")  # the client's verifier accepted the stream
    assert seen["error"] is None, seen["error"]
    assert seen["reasoning"] == THOUGHT
    assert seen["text"] == upstreams[provider].reply
    assert seen["metadata"]["reasoning"]["effort"] == "high"
    assert seen["metadata"]["reasoning"]["sent"], "nothing was sent for the effort asked"
    roles = [m["role"] for m in seen["newMessages"]]
    assert roles == ["reasoning", "assistant"], "the client keeps the thinking, then the answer"


@pytest.mark.parametrize("api", ["classic", "responses"])
def test_an_o_series_deployment_answers_on_both_apis(upstreams, monkeypatch, official_client, api):
    monkeypatch.setenv("AZURE_OPENAI_API", api)
    forwarded = {"provider": "azure-openai", "model": "reasoner", "params": {"max_tokens": 500}}
    question = [{"id": "u1", "role": "user", "content": "2+2?"}]

    with serve(create_app()) as url:
        seen = official_client(f"{url}/chat/chat", question, forwarded)

    assert "failed" not in seen and seen["error"] is None, seen.get("failed") or seen["error"]
    assert seen["text"] == "Azure here."
    [request] = [r for r in upstreams["azure-openai"].requests if r["method"] == "POST"]
    body = request["json"]
    assert "temperature" not in body
    limit = "max_completion_tokens" if api == "classic" else "max_output_tokens"
    assert body[limit] == 500


def test_opaque_reasoning_survives_a_switch_of_provider(upstreams):
    """Gemini 3 calls a tool; Azure answers the next turn without Gemini's signature; Gemini
    gets its own signature back on the turn after."""
    gemini, azure = upstreams["gemini"], upstreams["azure-openai"]
    gemini.tool_call = {"name": "get_weather", "arguments": {"city": "Oslo"}}
    conversation = [{"id": "u1", "role": "user", "content": "Weather in Oslo?"}]

    def turn(provider: str, model: str) -> list:
        events = chat(
            url, run_input(list(conversation), provider=provider, model=model, tools=[WEATHER])
        )
        assert error_of(events) is None, error_of(events)
        conversation.append(answer_message(events))
        return events

    with serve(create_app()) as url:
        turn("gemini", "gemini-3-pro-preview")
        gemini.tool_call = None
        [call] = conversation[-1]["toolCalls"]
        assert call["encryptedValue"].startswith("agentkit.1:gemini:")
        conversation.append({"id": "t1", "role": "tool", "toolCallId": call["id"], "content": "-3"})
        turn("azure-openai", "thinker")
        conversation.append({"id": "u2", "role": "user", "content": "And tomorrow?"})
        turn("gemini", "gemini-3-pro-preview")

    azure_input = [r for r in azure.requests if r["path"].endswith("/responses")][-1]["json"]
    azure_input = azure_input["input"]
    assert "agentkit.1:" not in str(azure_input) and "thoughtSignature" not in str(azure_input)
    assert [i["type"] for i in azure_input].count("reasoning") == 0, (
        "Gemini's reasoning went to Azure"
    )
    assert gemini.signatures_received == gemini.signatures_issued[:1]
    assert gemini.bypasses == []
