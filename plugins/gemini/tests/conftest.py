"""Fixtures for the Gemini plugin's tests: the Gemini emulator on loopback, the provider pointed
at it, and a real AgentKit host that discovers the plugin through its entry point."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from agentkit_gemini.provider import GeminiProvider
from agentkit_gemini.settings import GeminiSettings
from tests.emulators.gemini import DEFAULT_KEY, GeminiEmulator
from tests.hosts import plugin_host
from tests.servers import serve


@pytest.fixture
def emulator() -> GeminiEmulator:
    return GeminiEmulator()


@pytest.fixture
def emulator_url(emulator: GeminiEmulator) -> Iterator[str]:
    with serve(emulator.app) as url:
        yield url


@pytest.fixture
def gemini_env(monkeypatch, emulator_url: str) -> str:
    """Configure the provider for the emulator through the environment; returns the key."""
    monkeypatch.setenv("GEMINI_API_KEY", DEFAULT_KEY)
    monkeypatch.setenv("GEMINI_BASE_URL", emulator_url)
    return DEFAULT_KEY


@pytest.fixture
def provider(gemini_env: str) -> GeminiProvider:
    return GeminiProvider(GeminiSettings())


@pytest.fixture
def host(monkeypatch) -> Iterator[Callable[..., str]]:
    """``host(**env)``: a real AgentKit host with only this plugin, on loopback."""
    with plugin_host(monkeypatch, "gemini") as start:
        yield start
