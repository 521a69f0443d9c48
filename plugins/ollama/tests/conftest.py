"""Fixtures for the Ollama plugin's tests: the Ollama emulator on loopback, the provider pointed
at it, and a real AgentKit host that discovers the plugin through its entry point."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

from agentkit_ollama.provider import OllamaProvider
from agentkit_ollama.settings import OllamaSettings
from tests.emulators.ollama import OllamaEmulator
from tests.servers import free_port, serve


@pytest.fixture
def emulator() -> OllamaEmulator:
    return OllamaEmulator()


@pytest.fixture
def emulator_url(emulator: OllamaEmulator) -> Iterator[str]:
    with serve(emulator.app) as url:
        yield url


@pytest.fixture
def ollama_env(monkeypatch, emulator_url: str) -> str:
    """Point the provider at the emulator through the environment; returns the URL."""
    monkeypatch.setenv("OLLAMA_BASE_URL", emulator_url)
    return emulator_url


@pytest.fixture
def provider(ollama_env: str) -> OllamaProvider:
    return OllamaProvider(OllamaSettings())


@pytest.fixture
def dead_url() -> str:
    """A loopback URL where nothing listens."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture
def host(monkeypatch) -> Iterator[Callable[..., str]]:
    """``host(**env)`` starts a real AgentKit host (``create_app()``, plugins found by entry
    point) on loopback after setting ``env``; returns its base URL. Ollama is the default
    provider and the only plugin loaded, so other plugins' states do not leak into these tests."""
    from agentkit.app import create_app

    monkeypatch.setenv("DEFAULT_PROVIDER", "ollama")
    monkeypatch.setenv("AGENTKIT_PLUGINS", "ollama")
    monkeypatch.setenv("AGENTKIT_RETRY_BACKOFF", "0.01")
    with ExitStack() as stack:

        def start(**env: str) -> str:
            for name, value in env.items():
                monkeypatch.setenv(name, value)
            return stack.enter_context(serve(create_app()))

        yield start
