"""One conversation, several providers: each run goes to the provider the client picks, and each
provider receives the whole history, including the answers the other providers gave."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agentkit.app import create_app
from agentkit.testing import chat, run_input, serve, text_of
from agentkit_azure_openai.testing import DEFAULT_KEY as AZURE_KEY
from agentkit_azure_openai.testing import AzureOpenAIEmulator
from agentkit_gemini.testing import DEFAULT_KEY as GEMINI_KEY
from agentkit_gemini.testing import GeminiEmulator
from agentkit_ollama.testing import OllamaEmulator


@pytest.fixture
def upstreams(monkeypatch) -> Iterator[dict[str, object]]:
    """All three emulators on loopback, each answering with its own name, and the host's
    environment pointing every provider at its emulator."""
    ollama = OllamaEmulator(reply="Ollama here.")
    gemini = GeminiEmulator(reply="Gemini here.")
    azure = AzureOpenAIEmulator(reply="Azure here.")
    with (
        serve(ollama.app) as ollama_url,
        serve(gemini.app) as gemini_url,
        serve(azure.app) as azure_url,
    ):
        monkeypatch.setenv("OLLAMA_BASE_URL", ollama_url)
        monkeypatch.setenv("GEMINI_API_KEY", GEMINI_KEY)
        monkeypatch.setenv("GEMINI_BASE_URL", gemini_url)
        monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", azure_url)
        monkeypatch.setenv("AZURE_OPENAI_API_KEY", AZURE_KEY)
        monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENT", "chat")
        yield {"ollama": ollama, "gemini": gemini, "azure-openai": azure}


MODELS = {"ollama": "qwen:7b", "gemini": "gemini-2.5-flash", "azure-openai": "chat"}
REPLIES = {"ollama": "Ollama here.", "gemini": "Gemini here.", "azure-openai": "Azure here."}


def converse(url: str, providers: list[str]) -> list[dict]:
    """Send one user turn to each provider in order, keeping the answers in the history."""
    conversation: list[dict] = []
    for index, provider in enumerate(providers):
        conversation.append({"id": f"u{index}", "role": "user", "content": f"Turn {index}"})
        events = chat(url, run_input(list(conversation), provider=provider, model=MODELS[provider]))
        assert events[0].metadata["provider"] == provider
        assert text_of(events) == REPLIES[provider]
        conversation.append({"id": f"a{index}", "role": "assistant", "content": text_of(events)})
    return conversation


def history(provider: str, emulator) -> list[tuple[str, str]]:
    """(role, text) of each message the emulator received in its last chat request."""
    if provider == "gemini":
        body = [r for r in emulator.requests if "streamGenerateContent" in r["path"]][-1]["json"]
        return [(c["role"], c["parts"][0]["text"]) for c in body["contents"]]
    path = "/api/chat" if provider == "ollama" else "chat/completions"
    body = [r for r in emulator.requests if path in r["path"]][-1]["json"]
    return [(m["role"], m["content"]) for m in body["messages"]]


def test_ollama_then_gemini_then_ollama(upstreams):
    with serve(create_app()) as url:
        converse(url, ["ollama", "gemini", "ollama"])

    assert history("gemini", upstreams["gemini"]) == [
        ("user", "Turn 0"),
        ("model", "Ollama here."),
        ("user", "Turn 1"),
    ]
    assert history("ollama", upstreams["ollama"]) == [
        ("user", "Turn 0"),
        ("assistant", "Ollama here."),
        ("user", "Turn 1"),
        ("assistant", "Gemini here."),
        ("user", "Turn 2"),
    ]


def test_ollama_then_azure_openai_then_gemini(upstreams):
    with serve(create_app()) as url:
        converse(url, ["ollama", "azure-openai", "gemini"])

    assert history("azure-openai", upstreams["azure-openai"]) == [
        ("user", "Turn 0"),
        ("assistant", "Ollama here."),
        ("user", "Turn 1"),
    ]
    assert history("gemini", upstreams["gemini"]) == [
        ("user", "Turn 0"),
        ("model", "Ollama here."),
        ("user", "Turn 1"),
        ("model", "Azure here."),
        ("user", "Turn 2"),
    ]
