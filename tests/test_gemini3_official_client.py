"""A two-turn Gemini 3 tool call through the official @ag-ui/client: the client keeps the thought
signature AgentKit streams (``encryptedValue`` on the tool call) and sends it back, and Gemini
(the emulator, which checks its own signatures) gets it on the right ``functionCall`` part."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest

import agentkit_gemini.plugin
from agentkit.testing import serve
from agentkit_gemini.testing import DEFAULT_KEY, GeminiEmulator

MODEL = "gemini-3-pro-preview"
WEATHER = {
    "name": "get_weather",
    "description": "The weather in a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
}


@pytest.fixture
def gemini() -> Iterator[tuple[GeminiEmulator, str]]:
    emulator = GeminiEmulator(reply="It is sunny in Paris.")
    with serve(emulator.app) as url:
        yield emulator, url


def test_a_gemini3_tool_call_carries_its_signature_through_the_official_client(
    host, gemini, official_client
):
    emulator, gemini_url = gemini
    url = host(
        extra_plugins=[agentkit_gemini.plugin],
        GEMINI_API_KEY=DEFAULT_KEY,
        GEMINI_BASE_URL=gemini_url,
    )
    forwarded = {"provider": "gemini", "model": MODEL, "params": {"reasoning_effort": "low"}}
    initial = [{"id": "u1", "role": "user", "content": "What is the weather in Paris?"}]
    emulator.tool_call = {"name": "get_weather", "arguments": {"city": "Paris"}}

    first = official_client(f"{url}/chat/chat", initial, forwarded, tools=[WEATHER])

    assert "failed" not in first, first.get("failed")
    assert first["error"] is None, first["error"]
    assert first["metadata"]["reasoning"]["sent"] == {
        "thinkingConfig": {"includeThoughts": True, "thinkingLevel": "low"}
    }
    assert first["reasoning"] == emulator.thinking
    [assistant] = [m for m in first["newMessages"] if m["role"] == "assistant"]
    [call] = assistant["toolCalls"]
    [signature] = emulator.signatures_issued
    assert call["encryptedValue"] == f"agentkit.1:gemini:{signature}"

    emulator.tool_call = None
    result = {"id": "t1", "role": "tool", "toolCallId": call["id"], "content": "sunny"}
    second = official_client(
        f"{url}/chat/chat", [*initial, *first["newMessages"], result], forwarded, tools=[WEATHER]
    )

    assert "failed" not in second, second.get("failed")
    assert second["error"] is None, second["error"]
    assert second["text"] == "It is sunny in Paris."
    request = emulator.requests_to("streamGenerateContent")[-1]["json"]
    [part] = request["contents"][1]["parts"]
    assert part["functionCall"]["name"] == "get_weather"
    sent = base64.urlsafe_b64decode(part["thoughtSignature"].replace("+", "-").replace("/", "_"))
    assert sent == base64.b64decode(signature)
    assert emulator.signatures_received == [signature]
    assert emulator.bypasses == [], "the bypass value went out although the real one existed"
    assert request["tools"][0]["functionDeclarations"][0]["name"] == "get_weather"
