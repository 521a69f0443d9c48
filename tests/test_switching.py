"""One conversation, several providers: each run goes to the provider the client picks, and each
provider receives the whole history, including the answers the other providers gave."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agentkit.app import create_app
from tests.agui import chat, run_input, text_of
from tests.emulators.gemini import DEFAULT_KEY, GeminiEmulator
from tests.emulators.ollama import OllamaEmulator
from tests.servers import serve


@pytest.fixture
def ollama() -> Iterator[tuple[OllamaEmulator, str]]:
    emulator = OllamaEmulator(reply="Ollama here.")
    with serve(emulator.app) as url:
        yield emulator, url


@pytest.fixture
def gemini() -> Iterator[tuple[GeminiEmulator, str]]:
    emulator = GeminiEmulator(reply="Gemini here.")
    with serve(emulator.app) as url:
        yield emulator, url


def last_chat_body(emulator, marker: str) -> dict:
    return [r for r in emulator.requests if marker in r["path"]][-1]["json"]


def test_ollama_then_gemini_then_ollama_in_one_conversation(monkeypatch, ollama, gemini):
    (ollama_emulator, ollama_url), (gemini_emulator, gemini_url) = ollama, gemini
    monkeypatch.setenv("AGENTKIT_PLUGINS", "ollama,gemini")
    monkeypatch.setenv("OLLAMA_BASE_URL", ollama_url)
    monkeypatch.setenv("GEMINI_API_KEY", DEFAULT_KEY)
    monkeypatch.setenv("GEMINI_BASE_URL", gemini_url)
    conversation: list[dict] = []

    def turn(url: str, text: str, provider: str, model: str) -> str:
        conversation.append({"id": f"u{len(conversation)}", "role": "user", "content": text})
        events = chat(url, run_input(list(conversation), provider=provider, model=model))
        assert events[0].metadata["provider"] == provider
        answer = text_of(events)
        conversation.append({"id": f"a{len(conversation)}", "role": "assistant", "content": answer})
        return answer

    with serve(create_app()) as url:
        assert turn(url, "Hello?", "ollama", "qwen:7b") == "Ollama here."
        assert turn(url, "Who else is there?", "gemini", "gemini-2.5-flash") == "Gemini here."
        assert turn(url, "Back to you.", "ollama", "qwen:7b") == "Ollama here."

    gemini_body = last_chat_body(gemini_emulator, "streamGenerateContent")
    gemini_texts = [p["text"] for c in gemini_body["contents"] for p in c["parts"]]
    assert gemini_texts == ["Hello?", "Ollama here.", "Who else is there?"]
    assert [c["role"] for c in gemini_body["contents"]] == ["user", "model", "user"]

    ollama_body = last_chat_body(ollama_emulator, "/api/chat")
    assert [(m["role"], m["content"]) for m in ollama_body["messages"]] == [
        ("user", "Hello?"),
        ("assistant", "Ollama here."),
        ("user", "Who else is there?"),
        ("assistant", "Gemini here."),
        ("user", "Back to you."),
    ]
