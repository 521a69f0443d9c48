"""An image from the official @ag-ui/client reaching each first-party provider in its own wire
format, and every feature AgentKit emits (text, reasoning, tool calls, media input) in one
conversation that the client's verifier accepts, turn after turn.

The image is a real PNG; the emulators check what real services check (the bytes are an image,
the model has vision), so a wrong conversion fails here as it would against the service."""

from __future__ import annotations

import base64
import re
import struct
import zlib
from collections.abc import Iterator

import pytest

import agentkit_azure_openai.plugin
import agentkit_gemini.plugin
import agentkit_ollama.plugin
from tests.upstreams import first_party

PROVIDERS = ("ollama", "gemini", "azure-openai")
THOUGHT = "A small square; the user wants to know its colour."
WEATHER = {
    "name": "get_weather",
    "description": "The weather in a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
}


def png(width: int = 2, height: int = 2) -> bytes:
    """A real PNG image: a red square."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\0" + b"\xff\0\0" * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


PNG = base64.b64encode(png()).decode()

QUESTION = [
    {
        "id": "u1",
        "role": "user",
        "content": [
            {"type": "text", "text": "What colour is this? Then get the weather in Paris."},
            {"type": "image", "source": {"type": "data", "value": PNG, "mimeType": "image/png"}},
        ],
    }
]


@pytest.fixture
def upstreams(host) -> Iterator[tuple[str, dict[str, object]]]:
    """A host over the three emulators, thinking ``THOUGHT`` where the model thinks (Azure:
    gpt-4o behind the deployment ``chat``, on chat completions)."""
    plugins = [p.plugin for p in (agentkit_ollama, agentkit_gemini, agentkit_azure_openai)]
    with first_party(dict.fromkeys(PROVIDERS, "It is red."), THOUGHT) as (emulators, env):
        yield host(extra_plugins=plugins, **env), emulators


CHAT_PATHS = ("/api/chat", "GenerateContent", "/chat/completions")


def last_request(emulator) -> dict:
    """The body of the last chat request the emulator received."""
    chats = [r for r in emulator.requests if any(p in r["path"] for p in CHAT_PATHS)]
    return chats[-1]["json"]


def wire_images(provider: str, body: dict) -> list:
    """The images the request to ``provider`` carried, in that service's own format."""
    if provider == "ollama":
        return [image for message in body["messages"] for image in message.get("images", [])]
    if provider == "gemini":
        # google-genai writes proto field names (inline_data, mime_type), which the API takes
        # as it takes their camelCase JSON names
        # and bytes in base64's URL-safe alphabet, which the API also takes
        parts = [camel(part) for content in body["contents"] for part in content["parts"]]
        blobs = [camel(part["inlineData"]) for part in parts if "inlineData" in part]
        return [{**blob, "data": standard(blob["data"])} for blob in blobs]
    contents = [m["content"] for m in body["messages"] if isinstance(m.get("content"), list)]
    return [part["image_url"] for c in contents for part in c if part["type"] == "image_url"]


def standard(data: str) -> str:
    """Base64 ``data`` in the standard alphabet, whichever alphabet it was written in."""
    return base64.b64encode(base64.urlsafe_b64decode(data)).decode()


def camel(fields: dict) -> dict:
    """``fields`` with proto field names written in their JSON (lowerCamelCase) form."""
    return {re.sub(r"_(.)", lambda m: m[1].upper(), key): value for key, value in fields.items()}


EXPECTED = {
    "ollama": [PNG],
    "gemini": [{"mimeType": "image/png", "data": PNG}],
    "azure-openai": [{"url": f"data:image/png;base64,{PNG}"}],
}


@pytest.mark.parametrize(
    ("provider", "model"),
    [("ollama", "gemma3:4b"), ("gemini", "gemini-2.5-flash"), ("azure-openai", "chat")],
)
def test_an_image_reaches_each_provider_in_its_wire_format(
    upstreams, official_client, provider, model
):
    url, emulators = upstreams
    forwarded = {"provider": provider, "model": model}

    seen = official_client(f"{url}/chat/chat", QUESTION, forwarded)

    assert "failed" not in seen and seen["error"] is None, seen.get("failed") or seen["error"]
    assert "It is red." in seen["text"]
    sent = last_request(emulators[provider])
    assert wire_images(provider, sent) == EXPECTED[provider]


@pytest.mark.parametrize(
    ("provider", "model", "thinks"),
    [
        ("ollama", "qwen3-vl:8b", True),
        ("gemini", "gemini-2.5-flash", True),
        ("azure-openai", "chat", False),
    ],
)
def test_every_feature_passes_the_official_verifier_turn_after_turn(
    upstreams, official_client, provider, model, thinks
):
    url, emulators = upstreams
    emulator = emulators[provider]
    forwarded = {"provider": provider, "model": model}
    emulator.tool_call = {"name": "get_weather", "arguments": {"city": "Paris"}}

    first = official_client(f"{url}/chat/chat", QUESTION, forwarded, tools=[WEATHER])

    assert "failed" not in first and first["error"] is None, first.get("failed") or first["error"]
    events = {event["type"]: event for event in first["all"]}
    assert events["RUN_STARTED"].get("protocolVersion"), events["RUN_STARTED"]
    assert events["RUN_FINISHED"].get("outcome") == {"type": "success"}
    assert ("REASONING_MESSAGE_CONTENT" in events) is thinks
    [assistant] = [m for m in first["newMessages"] if m["role"] == "assistant"]
    assert events["TOOL_CALL_START"]["parentMessageId"] == assistant["id"]
    [call] = assistant["toolCalls"]
    assert call["function"]["name"] == "get_weather"

    emulator.tool_call = None
    result = {"id": "t1", "role": "tool", "toolCallId": call["id"], "content": "sunny"}
    second = official_client(
        f"{url}/chat/chat", [*QUESTION, *first["newMessages"], result], forwarded, tools=[WEATHER]
    )

    assert "failed" not in second and second["error"] is None, (
        second.get("failed") or second["error"]
    )
    assert "It is red." in second["text"]
    assert wire_images(provider, last_request(emulator)) == EXPECTED[provider]
