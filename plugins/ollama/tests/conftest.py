"""Fixtures for the Ollama plugin's tests: a clean environment, the Ollama emulator on loopback,
the provider pointed at it, and a real AgentKit host that discovers the plugin by entry point."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from agentkit.testing import free_port, serve
from agentkit.testing.plugin import agentkit_env, agentkit_host  # noqa: F401
from agentkit_ollama.provider import OllamaProvider
from agentkit_ollama.settings import OllamaSettings
from agentkit_ollama.testing import OllamaEmulator


@pytest.fixture(autouse=True)
def _clean(agentkit_env) -> None:  # noqa: F811
    """Every test in an empty folder, without settings from the outer environment."""


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
def host(agentkit_host) -> Callable[..., str]:  # noqa: F811
    """``host(**env)``: a real AgentKit host with only this plugin, on loopback."""
    return lambda **env: agentkit_host("ollama", **env)
