"""The three first-party emulators served on loopback, for tests that run one conversation
across providers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from agentkit.testing import Emulator, serve
from agentkit_azure_openai.testing import DEFAULT_KEY as AZURE_KEY
from agentkit_azure_openai.testing import AzureOpenAIEmulator
from agentkit_gemini.testing import DEFAULT_KEY as GEMINI_KEY
from agentkit_gemini.testing import GeminiEmulator
from agentkit_ollama.testing import OllamaEmulator


@contextmanager
def first_party(
    replies: dict[str, str], thinking: str
) -> Iterator[tuple[dict[str, Emulator], dict[str, str]]]:
    """The Ollama, Gemini and Azure OpenAI emulators, answering ``replies[provider id]`` and
    thinking ``thinking`` where the model thinks, with the settings that point a host at them
    (Azure's default deployment: ``chat``, gpt-4o)."""
    emulators: dict[str, Emulator] = {
        "ollama": OllamaEmulator(reply=replies["ollama"]),
        "gemini": GeminiEmulator(reply=replies["gemini"]),
        "azure-openai": AzureOpenAIEmulator(reply=replies["azure-openai"]),
    }
    for emulator in emulators.values():
        emulator.thinking = thinking
    with (
        serve(emulators["ollama"].app) as ollama_url,
        serve(emulators["gemini"].app) as gemini_url,
        serve(emulators["azure-openai"].app) as azure_url,
    ):
        yield (
            emulators,
            {
                "OLLAMA_BASE_URL": ollama_url,
                "GEMINI_API_KEY": GEMINI_KEY,
                "GEMINI_BASE_URL": gemini_url,
                "AZURE_OPENAI_ENDPOINT": azure_url,
                "AZURE_OPENAI_API_KEY": AZURE_KEY,
                "AZURE_OPENAI_DEPLOYMENT": "chat",
                "AZURE_OPENAI_DEPLOYMENTS": "chat=gpt-4o",
            },
        )
