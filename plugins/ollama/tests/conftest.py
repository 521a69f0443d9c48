"""Fixtures for the Ollama plugin's tests: the Ollama emulator on loopback, the provider pointed
at it, and a real AgentKit host that discovers the plugin through its entry point."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from agentkit_ollama.provider import OllamaProvider
from agentkit_ollama.settings import OllamaSettings
from tests.emulators.ollama import OllamaEmulator
from tests.hosts import plugin_host
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
    """``host(**env)``: a real AgentKit host with only this plugin, on loopback."""
    with plugin_host(monkeypatch, "ollama") as start:
        yield start
