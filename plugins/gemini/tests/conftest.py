"""Fixtures for the Gemini plugin's tests: the Gemini emulator on loopback, the provider pointed
at it, and a real AgentKit host that discovers the plugin through its entry point."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

from agentkit_gemini.provider import GeminiProvider
from agentkit_gemini.settings import GeminiSettings
from tests.emulators.gemini import DEFAULT_KEY, GeminiEmulator
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
    """``host(**env)`` starts a real AgentKit host (``create_app()``, plugins found by entry
    point) on loopback after setting ``env``; returns its base URL. Gemini is the default
    provider and the only plugin loaded, so other plugins' states do not leak into these tests."""
    from agentkit.app import create_app

    monkeypatch.setenv("DEFAULT_PROVIDER", "gemini")
    monkeypatch.setenv("AGENTKIT_PLUGINS", "gemini")
    monkeypatch.setenv("AGENTKIT_RETRY_BACKOFF", "0.01")
    with ExitStack() as stack:

        def start(**env: str) -> str:
            for name, value in env.items():
                monkeypatch.setenv(name, value)
            return stack.enter_context(serve(create_app()))

        yield start
